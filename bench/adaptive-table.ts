/**
 * The result table of adaptive concurrency limits: static limits beside each algorithm on the simulated
 * dependency of test/policies/adaptive-sim.ts (ManualClock: simulated time, so the figures do not depend on the
 * machine and every run gives the same table).
 */
import {
  DOUBLES,
  followMs,
  HALVES,
  LIMITS,
  simulate,
  STEADY,
  TIGHT,
  type Workload,
} from '../test/policies/adaptive-sim.js';

const SCENARIOS: readonly (readonly [string, Workload])[] = [
  ['steady', STEADY],
  ['capacity halves at 10 s', HALVES],
  ['capacity doubles at 10 s', DOUBLES],
  ['steady, timeout 20 ms', TIGHT],
];

/** The table's markdown lines. */
export async function adaptiveTable(): Promise<string[]> {
  const lines = [
    '| scenario | limit | successes/s | last 5 s | p99 ms | timeouts | shed | limit at end | followed in |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [scenario, w] of SCENARIOS) {
    for (const [label, under] of LIMITS) {
      const r = await simulate(w, under);
      const follow = followMs(r, w);
      const followed =
        w.changeAt === Number.POSITIVE_INFINITY
          ? ''
          : Number.isFinite(follow)
            ? `${(follow / 1000).toFixed(1)} s`
            : 'no';
      lines.push(
        `| ${scenario} | ${label} | ${r.goodput.toFixed(0)} | ${r.goodputEnd.toFixed(0)} | ` +
          `${r.p99.toFixed(0)} | ${r.timeouts} | ${r.rejected} | ${r.finalLimit} | ${followed} |`,
      );
    }
  }
  return lines;
}
