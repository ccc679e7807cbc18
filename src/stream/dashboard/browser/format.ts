/** How the page writes figures: counts with thousands separators, milliseconds and rates to a useful precision. */

const numbers = new Intl.NumberFormat('en-US');

/** A count, such as `12,345`. */
export const count = (v: number): string => numbers.format(v);

/** Milliseconds: two decimals under 1, one under 100, none above. */
export function ms(v: number): string {
  if (!(v > 0)) return '0';
  if (v < 0.01) return '<0.01';
  if (v < 1) return v.toFixed(2);
  return v < 100 ? v.toFixed(1) : numbers.format(Math.round(v));
}

/** A rate per second: one decimal under 100, none above. */
export const perSecond = (v: number): string =>
  v < 100 ? v.toFixed(1) : numbers.format(Math.round(v));
