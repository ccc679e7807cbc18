/**
 * The sparkline: the request rate over the last two minutes of the stream's time, one point per message, as the
 * Hystrix dashboard keeps it; bounded for very short ticks.
 */
import type { Circuit } from './circuit.js';

const SPARK_MS = 120000;
const SPARK_MAX_POINTS = 1200;

/** Adds a point at time `t` (on the stream's clock) and drops those older than two minutes. */
export function addPoint(c: Circuit, t: number, rate: number): void {
  const spark = c.spark;
  const last = spark.at(-1);
  // Time went back on the stream (such as another server after a reconnection): the line starts again.
  if (last !== undefined && t < last.t) spark.length = 0;
  spark.push({ t, rate });
  // The point just added is recent: the search stops there at the latest.
  const recent = spark.findIndex(
    (p, i) => i >= spark.length - SPARK_MAX_POINTS && p.t >= t - SPARK_MS,
  );
  if (recent > 0) spark.splice(0, recent);
}

/**
 * The points in the sparkline's 120 x 30 box, as `x,y`, scaled to its own peak as in Hystrix; none before the
 * first message.
 */
export function sparkPoints(c: Circuit): string[] {
  const last = c.spark.at(-1);
  if (last === undefined) return [];
  const start = last.t - SPARK_MS;
  let peak = 0;
  for (const p of c.spark) if (p.rate > peak) peak = p.rate;
  return c.spark.map((p) => {
    const x = (120 * (p.t - start)) / SPARK_MS;
    const y = peak > 0 ? 29 - (26 * p.rate) / peak : 29;
    return x.toFixed(1) + ',' + y.toFixed(1);
  });
}
