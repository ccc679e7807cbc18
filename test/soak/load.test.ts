/**
 * The soak run (test/soak/load.ts) in a child process with --expose-gc: every call's outcome as
 * predicted, counted exactly once by the circuits and by a collector, settled exactly once for its
 * caller; tickets held only by the runs that never settle; heap bounded. `npm test` runs 100,000
 * calls over 1,000 names; `npm run test:soak` runs a million (HYSTRIX_SOAK_CALLS sets the size).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import type { OutcomeTotals, SoakReport } from './load.js';

const CALLS = Number(process.env['HYSTRIX_SOAK_CALLS'] ?? 100_000);
const NAMES = 1000;
const MiB = 1024 * 1024;
// The whole registry's growth: 1,000 circuits with their histograms take about 3 MiB. Generous, and
// scaled with the size of the run: 32 MiB for the default run, 64 bytes a call beyond it.
const HEAP_BOUND = Math.max(32 * MiB, 64 * CALLS);
// Past the first tenth of the calls every circuit exists: what grows after that grows with the
// calls. One small object kept per call (an execution is about 200 bytes) exceeds 64 bytes a call.
const PER_CALL_BOUND = 64;
const CHILD_TIMEOUT = 60_000 + CALLS * 0.1;

const PRIMARY: readonly (keyof OutcomeTotals)[] = [
  'successes',
  'failures',
  'timeouts',
  'shortCircuits',
  'rejects',
];

test(
  `${CALLS} calls over ${NAMES} names: exact totals, every call settled once, bounded heap`,
  async () => {
    expect(Number.isSafeInteger(CALLS) && CALLS > 0, 'HYSTRIX_SOAK_CALLS').toBe(true);
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        'test/soak/load.ts',
        '--calls',
        String(CALLS),
        '--names',
        String(NAMES),
      ],
      { timeout: CHILD_TIMEOUT, maxBuffer: 1 * MiB },
    );
    expect(stderr).toBe('');
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const r = JSON.parse(lines[0]!) as SoakReport;
    const growth = r.heapAfter - r.heapBefore;
    const warmCalls = Math.ceil(CALLS / 10);
    const perCall = (r.heapAfter - r.heapWarm) / Math.max(1, CALLS - warmCalls);
    console.log(
      `soak: ${r.calls} calls over ${r.names} names in ${r.elapsedMs} ms ` +
        `(${r.callsPerSecond} calls/s); heap ${mb(r.heapBefore)} -> ${mb(r.heapWarm)} ` +
        `(a tenth in) -> ${mb(r.heapAfter)} MiB, growth ${mb(growth)} MiB ` +
        `(bound ${mb(HEAP_BOUND)}), ${perCall.toFixed(2)} bytes a call after warm-up; ` +
        `${r.hung} runs hung, ${r.open} circuits opened`,
    );

    expect({ calls: r.calls, names: r.names }).toEqual({ calls: CALLS, names: NAMES });

    // The model's figures add up: one primary event per call, one fallback outcome per fallback
    // called.
    const e = r.expected;
    expect(e.requests).toBe(CALLS);
    expect(PRIMARY.reduce((sum, key) => sum + e[key], 0)).toBe(CALLS);
    expect(e.fallbackSuccesses + e.fallbackFailures).toBe(r.expectedFallbackCalls);
    expect([e.contextCanceled, e.contextDeadlineExceeded]).toEqual([0, 0]);
    if (CALLS >= 10_000) {
      // Large enough for every kind of run and outcome to occur, so that each is checked.
      for (const key of [...PRIMARY, 'fallbackSuccesses', 'fallbackFailures'] as const) {
        expect(e[key], key).toBeGreaterThan(0);
      }
      for (const [kind, count] of Object.entries(r.kinds)) expect(count, kind).toBeGreaterThan(0);
      expect(r.hung).toBeGreaterThan(0);
      expect(r.expectedOpen).toBeGreaterThan(0);
    }

    // The circuits report exactly what was expected, and so does a registered collector.
    expect(r.reported).toEqual(e);
    expect([r.collectorUpdates, r.collectorAttempts]).toEqual([CALLS, CALLS]);
    expect(r.open).toBe(r.expectedOpen);
    expect(r.circuits).toBe(r.expectedCircuits);

    // Every caller: settled exactly once, with the value or error predicted; every fallback called
    // once.
    expect({
      settledOnce: r.settledOnce,
      unsettled: r.unsettled,
      settledTwice: r.settledTwice,
      callerMismatches: r.callerMismatches,
      firstMismatches: r.firstMismatches,
      fallbackCalls: r.fallbackCalls,
    }).toEqual({
      settledOnce: CALLS,
      unsettled: 0,
      settledTwice: 0,
      callerMismatches: 0,
      firstMismatches: [],
      fallbackCalls: r.expectedFallbackCalls,
    });

    // Tickets: held by the runs that never settle (by design), by nothing else.
    expect(r.activeSum).toBe(r.hung);
    expect(r.stuckCircuits).toBe(0);
    expect(r.activeMismatches).toBe(0);

    // Memory: bounded by the circuits, not by the calls.
    expect(r.heapBefore).toBeGreaterThan(0);
    expect(r.heapWarm).toBeGreaterThan(0);
    expect(growth).toBeLessThan(HEAP_BOUND);
    expect(r.heapAfter - r.heapWarm).toBeLessThan(4 * MiB + PER_CALL_BOUND * (CALLS - warmCalls));
  },
  CHILD_TIMEOUT + 10_000,
);

function mb(bytes: number): string {
  return (bytes / MiB).toFixed(1);
}
