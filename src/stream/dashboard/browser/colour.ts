/** The Hystrix dashboard's colour scales, interpolated between their stops. */

type Rgb = readonly [number, number, number];
type Stop = readonly [number, Rgb];
/** At least one stop, in increasing order. */
type Stops = readonly [Stop, ...Stop[]];

/**
 * The circle's colour by error %: green, #FFCC00, #FF9900, red at 10, 25, 40, 50. (Its radius, by the square
 * root of the requests per second, is drawn with the card.)
 */
export const HEALTH: Stops = [
  [10, [0, 128, 0]],
  [25, [255, 204, 0]],
  [40, [255, 153, 0]],
  [50, [255, 0, 0]],
];

/** The error % text: grey, black, orange, red (0, 10, 35, 50); darker than Hystrix's, to stay readable on white. */
export const ERROR_TEXT: Stops = [
  [0, [110, 119, 129]],
  [10, [31, 35, 40]],
  [35, [188, 76, 0]],
  [50, [207, 34, 46]],
];

const rgb = (c: Rgb): string => 'rgb(' + c.map((v) => Math.round(v)).join(',') + ')';

/** The colour at `x` on a scale: its first stop's below it, its last stop's above it. */
export function scale(stops: Stops, x: number): string {
  let [x0, c0] = stops[0];
  if (!(x > x0)) return rgb(c0);
  for (const [x1, c1] of stops) {
    if (x <= x1) {
      const t = (x - x0) / (x1 - x0);
      const mix = (i: 0 | 1 | 2): number => c0[i] + (c1[i] - c0[i]) * t;
      return rgb([mix(0), mix(1), mix(2)]);
    }
    x0 = x1;
    c0 = c1;
  }
  return rgb(c0);
}
