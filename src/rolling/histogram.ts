/**
 * @internal Log-linear latency bins: exact to the microsecond below 16 µs, then 16 bins per power of two, so a
 * bin is at most 1/16 of its value wide (a value reported at its bin's middle is within 3.2 %, or 0.5 µs below
 * 16 µs). Durations from
 * 0 to 2^32 µs (71 minutes) fit; longer ones land in the last bin.
 */

const SUB = 16;
const SUB_BITS = 4;

/** @internal Number of bins. */
export const BINS = SUB + (32 - SUB_BITS) * SUB;

/** @internal The bin of a duration in milliseconds (negative and NaN count as 0). */
export function binOf(ms: number): number {
  const us = ms * 1000;
  if (!(us >= SUB)) return us >= 1 ? Math.floor(us) : 0;
  if (us >= 4_294_967_296) return BINS - 1;
  const u = us >>> 0;
  const exponent = 31 - Math.clz32(u);
  return SUB + (exponent - SUB_BITS) * SUB + ((u >>> (exponent - SUB_BITS)) & (SUB - 1));
}

/** @internal The lowest duration of a bin, in microseconds. */
export function binLowUs(bin: number): number {
  if (bin < SUB) return bin;
  const octave = Math.floor((bin - SUB) / SUB);
  return (SUB + ((bin - SUB) % SUB)) * 2 ** octave;
}

/** @internal The duration that stands for a bin (its middle), in milliseconds. */
export function binMiddleMs(bin: number): number {
  const low = binLowUs(bin);
  const width = bin < SUB ? 1 : 2 ** Math.floor((bin - SUB) / SUB);
  return (low + width / 2) / 1000;
}
