/**
 * The sparkline: the request rate over the last two minutes of the stream's time, one point per message, as the
 * Hystrix dashboard keeps it; bounded for very short ticks.
 */
import type { Circuit } from './circuit.js';

const SPARK_MS = 120000;
const SPARK_MAX_POINTS = 1200;

/** Adds a point at time `t` (on the stream's clock) and drops those older than two minutes. */
export function addPoint(c: Circuit, t: number, rate: number): void {
  const n = c.times.length;
  // Time went back on the stream (such as another server after a reconnection): the line starts again.
  if (n > 0 && t < c.times[n - 1]!) {
    c.times.length = 0;
    c.rates.length = 0;
  }
  c.times.push(t);
  c.rates.push(rate);
  let drop = Math.max(0, c.times.length - SPARK_MAX_POINTS);
  while (drop < c.times.length && c.times[drop]! < t - SPARK_MS) drop++;
  if (drop > 0) {
    c.times.splice(0, drop);
    c.rates.splice(0, drop);
  }
}

/**
 * The points in the sparkline's 120 x 30 box, as `x,y`, scaled to its own peak as in Hystrix; none before the
 * first message.
 */
export function sparkPoints(c: Circuit): string[] {
  const n = c.times.length;
  if (n === 0) return [];
  const start = c.times[n - 1]! - SPARK_MS;
  let peak = 0;
  for (const r of c.rates) if (r > peak) peak = r;
  const points: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = (120 * (c.times[i]! - start)) / SPARK_MS;
    const y = peak > 0 ? 29 - (26 * c.rates[i]!) / peak : 29;
    points.push(x.toFixed(1) + ',' + y.toFixed(1));
  }
  return points;
}
