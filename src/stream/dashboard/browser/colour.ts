/** The Hystrix dashboard's colour scales, interpolated between their stops. */

type Rgb = readonly [number, number, number];
type Stops = readonly (readonly [number, Rgb])[];

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

const rgb = (c: readonly number[]): string => 'rgb(' + c.map((v) => Math.round(v)).join(',') + ')';

/** The colour at `x` on a scale: its first stop's below it, its last stop's above it. */
export function scale(stops: Stops, x: number): string {
  if (!(x > stops[0]![0])) return rgb(stops[0]![1]);
  for (let i = 1; i < stops.length; i++) {
    const [x1, c1] = stops[i]!;
    if (x <= x1) {
      const [x0, c0] = stops[i - 1]!;
      const t = (x - x0) / (x1 - x0);
      return rgb(c0.map((v, j) => v + (c1[j]! - v) * t));
    }
  }
  return rgb(stops[stops.length - 1]![1]);
}
