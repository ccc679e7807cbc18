/**
 * @internal A plain array of `n` zeros held as doubles. Small storage is kept in plain arrays rather than typed
 * arrays: a typed array costs about 200 bytes of its own (its buffer and the buffer's backing store) whatever its
 * length, more than the few dozen numbers a lightly used window holds. Every array made here starts with the
 * same element kind (doubles), so the code that reads and writes them sees one kind and stays fast.
 */
export function zeros(n: number): number[] {
  // Made from doubles, then zeroed: packed (no holes to check on a read) and exactly `n` long.
  return Array.from({ length: n }, () => 0.5).fill(0);
}

/** @internal A copy of `from` (zeros from there on) `n` long, of the same element kind as {@link zeros}. */
export function grown(from: readonly number[], n: number): number[] {
  const out = zeros(n);
  // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- i < from.length
  for (let i = 0; i < from.length; i++) out[i] = from[i]!;
  return out;
}
