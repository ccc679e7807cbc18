/**
 * The wait a `Retry-After` header asks for, in milliseconds from `now`: its delay in seconds, or its HTTP date
 * minus `now` (0 when the date is past), capped at `max`. Undefined when there is no header or it is neither.
 */
export function retryAfterMs(
  value: string | null | undefined,
  now: number,
  max: number,
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  if (!(ms > 0)) return 0;
  return ms > max ? max : ms;
}
