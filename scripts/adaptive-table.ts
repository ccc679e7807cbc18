/**
 * npx tsx scripts/adaptive-table.ts: the result table of adaptive concurrency limits (README, bench/RESULTS.md),
 * from the simulated dependency of test/policies/adaptive-sim.ts under the ManualClock. Deterministic.
 */
import {
  DOUBLES,
  followMs,
  HALVES,
  LIMITS,
  simulate,
  STEADY,
  type Workload,
} from '../test/policies/adaptive-sim.js';

const scenarios: readonly (readonly [string, Workload])[] = [
  ['steady', STEADY],
  ['capacity halves at 10 s', HALVES],
  ['capacity doubles at 10 s', DOUBLES],
];
const lines = [
  '| scenario | limit | successes/s | last 5 s | p99 ms | timeouts | shed | limit at end | followed in |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
for (const [scenario, w] of scenarios) {
  for (const [label, under] of LIMITS) {
    const r = await simulate(w, under);
    const follow = followMs(r, w);
    lines.push(
      `| ${scenario} | ${label} | ${r.goodput.toFixed(0)} | ${r.goodputEnd.toFixed(0)} | ${r.p99.toFixed(0)} | ` +
        `${r.timeouts} | ${r.rejected} | ${r.finalLimit} | ` +
        `${w.changeAt === Number.POSITIVE_INFINITY ? '' : Number.isFinite(follow) ? `${(follow / 1000).toFixed(1)} s` : 'no'} |`,
    );
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
