/**
 * Adaptive concurrency limits (`adaptiveConcurrency`): the settings, each algorithm's moves, the pool's limit
 * (with a fleet's share and the queue), the figures, and the simulated dependency whose capacity changes.
 */
import { describe, expect, it } from 'vitest';
import type { Circuit } from '../../src/circuit.js';
import { type CommandConfig, isTimeout } from '../../src/index.js';
import { AimdLimit } from '../../src/policies/aimd-limit.js';
import { Gradient2Limit } from '../../src/policies/gradient2-limit.js';
import { VegasLimit } from '../../src/policies/vegas-limit.js';
import { mergeAdaptive } from '../../src/stream/adaptive-merge.js';
import { deferred, failOnUnhandled, flushPromises, manualHystrix, never } from '../helpers.js';
import {
  DOUBLES,
  followMs,
  HALVES,
  LIMITS,
  type LimitUnderTest,
  type SimResult,
  simulate,
  STEADY,
  type Workload,
} from './adaptive-sim.js';

failOnUnhandled();

function internal(h: ReturnType<typeof manualHystrix>['h'], name: string): Circuit {
  return h.getCircuit(name).circuit as unknown as Circuit;
}

describe('adaptiveConcurrency settings', () => {
  it('takes the algorithms, null, and the JSON form', () => {
    const { h } = manualHystrix();
    h.configureCommand('a', { adaptiveConcurrency: 'aimd', minConcurrentRequests: 2 });
    expect(h.getSettings('a')).toMatchObject({
      adaptiveConcurrency: 'aimd',
      minConcurrentRequests: 2,
    });
    h.configure(
      JSON.parse(
        '{"b": {"adaptive_concurrency": "gradient2", "min_concurrent_requests": 3, "max_concurrent_requests": 30}}',
      ) as Record<string, CommandConfig>,
    );
    expect(h.getSettings('b')).toMatchObject({
      adaptiveConcurrency: 'gradient2',
      minConcurrentRequests: 3,
      maxConcurrentRequests: 30,
    });
    // Go's zero string means the default in the JSON form, as a zero does; setDefaults restores it with either.
    h.setDefaults({ adaptive_concurrency: 'aimd' });
    expect(h.getSettings('d').adaptiveConcurrency).toBe('aimd');
    h.setDefaults({ adaptive_concurrency: '', max_concurrent_requests: 0 });
    expect(h.getSettings('d').adaptiveConcurrency).toBeNull();
    h.configureCommand('c', { adaptiveConcurrency: null });
    expect(h.getSettings('c').adaptiveConcurrency).toBeNull();
    expect(h.getSettings('never-configured').adaptiveConcurrency).toBeNull();
    expect(h.getCircuit('c').circuit.stats().adaptive).toBeNull();
  });

  it('refuses another value with a TypeError that lists the allowed ones, and changes nothing', () => {
    const { h } = manualHystrix();
    for (const bad of ['AIMD', 'gradient', '', 1, true, {}]) {
      expect(() => {
        h.configureCommand('a', { adaptiveConcurrency: bad } as unknown as CommandConfig);
      }).toThrow(TypeError);
    }
    expect(() => {
      h.configureCommand('a', { adaptive_concurrency: 'tcp' } as unknown as CommandConfig);
    }).toThrow(
      "configureCommand: command 'a': adaptive_concurrency must be one of 'aimd', 'vegas', 'gradient2' " +
        '(or null for the fixed maxConcurrentRequests), got the string "tcp"',
    );
    expect(() => {
      h.configureCommand('a', {
        adaptiveConcurrency: 'aimd',
        adaptive_concurrency: 'vegas',
      } as unknown as CommandConfig);
    }).toThrow(TypeError);
    expect(h.getSettings('a').adaptiveConcurrency).toBeNull();
  });

  it('refuses minConcurrentRequests above maxConcurrentRequests, or below 1', () => {
    const { h } = manualHystrix();
    expect(() => {
      h.configureCommand('a', {
        adaptiveConcurrency: 'vegas',
        minConcurrentRequests: 11,
        maxConcurrentRequests: 10,
      });
    }).toThrow(/minConcurrentRequests \(11\) must not exceed maxConcurrentRequests \(10\)/);
    expect(() => {
      h.configureCommand('a', { minConcurrentRequests: 0 });
    }).toThrow(RangeError);
    // Without an adaptive limit the bound has no effect, so it is not checked against the limit.
    h.configureCommand('b', { minConcurrentRequests: 11, maxConcurrentRequests: 10 });
    expect(h.getCircuit('b').circuit.pool.max).toBe(10);
  });
});

describe('the algorithms', () => {
  it('AIMD: +1 while the pool is at least half busy, x0.9 on a drop, within its bounds', () => {
    const aimd = new AimdLimit(4, 10);
    expect(aimd.limit).toBe(4);
    aimd.sample(0, 5, 1, false);
    expect(aimd.limit).toBe(4); // 1 in flight of 4: not busy enough to learn more
    aimd.sample(0, 5, 2, false);
    expect(aimd.limit).toBe(5);
    for (let i = 0; i < 20; i++) aimd.sample(0, 5, 10, false);
    expect(aimd.limit).toBe(10);
    aimd.sample(0, 100, 10, true);
    expect(aimd.limit).toBe(9);
    for (let i = 0; i < 20; i++) aimd.sample(0, 100, 10, true);
    expect(aimd.limit).toBe(4);
    expect(aimd.read()).toMatchObject({ algorithm: 'aimd', limit: 4, drops: 21, rttNoLoad: null });
    aimd.bound(6, 8);
    expect(aimd.limit).toBe(6);
  });

  it('Gradient2: grows while latency holds, shrinks when it rises, once a window', () => {
    const g = new Gradient2Limit(10, 100);
    let now = 0;
    const window = (rtt: number, inflight: number): void => {
      for (let i = 0; i < 10; i++) g.sample((now += 12), rtt, inflight, false);
    };
    for (let i = 0; i < 20; i++) window(10, g.limit);
    const grown = g.limit;
    expect(grown).toBeGreaterThan(20);
    expect(g.read().rttNoLoad).toBeCloseTo(10);
    // Application-limited windows (under half the limit busy) change nothing.
    window(10, 1);
    expect(g.limit).toBe(grown);
    for (let i = 0; i < 10; i++) window(30, g.limit);
    expect(g.limit).toBeLessThan(grown);
    expect(g.read()).toMatchObject({ algorithm: 'gradient2', lastRtt: 30, samples: 310 });
  });

  it('Vegas: grows with no queue, shrinks when the estimated queue passes beta, and on a drop', () => {
    const v = new VegasLimit(10, 100);
    v.sample(0, 10, 10, false); // the first sample is the no-load latency
    v.sample(0, 10, 10, false);
    expect(v.limit).toBe(16); // no queue: + 6 log10(10)
    for (let i = 0; i < 5; i++) v.sample(0, 30, 16, false); // queue 16 * (1 - 10/30) = 11 > 6
    expect(v.limit).toBe(11);
    v.sample(0, 10, 11, true);
    expect(v.limit).toBe(10);
    expect(v.read()).toMatchObject({ algorithm: 'vegas', rttNoLoad: 10, drops: 1 });
  });
});

describe('the pool under an adaptive limit', () => {
  it('starts at the minimum, shows in stats(), and a timeout backs AIMD off', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('api', {
      adaptiveConcurrency: 'aimd',
      minConcurrentRequests: 2,
      maxConcurrentRequests: 8,
      timeout: 100,
    });
    const { circuit } = h.getCircuit('api');
    expect(circuit.pool.max).toBe(2);
    const a = deferred<string>();
    const b = deferred<string>();
    const calls = [h.do('api', () => a.promise), h.do('api', () => b.promise)];
    a.resolve('a');
    b.resolve('b');
    await Promise.all(calls);
    // The first success came with 2 in flight of 2 (+1), the second with 1 of 3 (not busy: no change).
    expect(circuit.stats()).toMatchObject({
      maxConcurrentRequests: 3,
      adaptive: { algorithm: 'aimd', limit: 3, minLimit: 2, maxLimit: 8, samples: 2, drops: 0 },
    });
    const late = h.do('api', () => never());
    clock.advance(100);
    expect(isTimeout(await late.catch((e: unknown) => e))).toBe(true);
    expect(circuit.stats()).toMatchObject({ maxConcurrentRequests: 2, adaptive: { drops: 1 } });
    await h.close();
  });

  it('composes with a fleet share: the pool takes the lower, and each process adapts its own share', async () => {
    const { h } = manualHystrix();
    h.configureCommand('api', {
      adaptiveConcurrency: 'aimd',
      minConcurrentRequests: 3,
      maxConcurrentRequests: 50,
    });
    const circuit = internal(h, 'api');
    circuit.setFleetLimits(5, null);
    expect(circuit.pool.max).toBe(3);
    for (let i = 0; i < 4; i++) await h.do('api', async () => 'ok');
    circuit.setFleetLimits(5, null);
    // The adaptive limit went on up (its busy-ness was 1 of 3: only the first sample raised it).
    const adaptive = circuit.stats().adaptive?.limit ?? 0;
    expect(circuit.pool.max).toBe(Math.min(adaptive, 5));
    circuit.setFleetLimits(2, null);
    expect(circuit.pool.max).toBe(2);
    circuit.setFleetLimits(-1, null);
    expect(circuit.pool.max).toBe(adaptive);
    await h.close();
  });

  it('a larger limit hands tickets to calls waiting in the queue', async () => {
    const { h } = manualHystrix();
    h.configureCommand('api', {
      adaptiveConcurrency: 'aimd',
      minConcurrentRequests: 1,
      maxConcurrentRequests: 4,
      maxQueueSize: 5,
      timeout: 60_000,
    });
    const first = deferred<string>();
    const ran: string[] = [];
    const a = h.do('api', () => first.promise);
    const waiting = ['b', 'c'].map((name) =>
      h.do('api', () => {
        ran.push(name);
        return never();
      }),
    );
    expect(h.getCircuit('api').circuit.stats().queueSize).toBe(2);
    first.resolve('a');
    await a;
    await flushPromises();
    // The success raised the limit to 2 while b took a's ticket: c got the new one at once.
    expect(ran).toEqual(['b', 'c']);
    expect(h.getCircuit('api').circuit.stats()).toMatchObject({ queueSize: 0, activeCount: 2 });
    await h.close();
    await Promise.allSettled(waiting);
  });

  it('a change of algorithm starts a new limit; dropping it restores the fixed limit', () => {
    const { h } = manualHystrix();
    h.configureCommand('api', { adaptiveConcurrency: 'vegas', maxConcurrentRequests: 30 });
    expect(h.getCircuit('api').circuit.pool.max).toBe(1);
    h.configureCommand('api', { adaptiveConcurrency: 'gradient2', minConcurrentRequests: 4 });
    expect(h.getCircuit('api').circuit.stats().adaptive?.algorithm).toBe('gradient2');
    expect(h.getCircuit('api').circuit.pool.max).toBe(4);
    h.configureCommand('api', { maxConcurrentRequests: 30 });
    expect(h.getCircuit('api').circuit.stats()).toMatchObject({
      maxConcurrentRequests: 30,
      adaptive: null,
    });
  });
});

describe('a dependency whose capacity changes (simulated, ManualClock)', () => {
  const results = new Map<string, SimResult>();
  const run = async (name: string, w: Workload, under: LimitUnderTest): Promise<SimResult> => {
    const key = `${name} ${JSON.stringify(under)}`;
    const known = results.get(key);
    if (known !== undefined) return known;
    const r = await simulate(w, under);
    results.set(key, r);
    return r;
  };
  const limit = (label: string): LimitUnderTest => {
    const found = LIMITS.find(([l]) => l.startsWith(label));
    if (found === undefined) throw new Error(label);
    return found[1];
  };
  // The p99 of a call at no load: a static limit at the capacity (the jitter makes it 11 ms, not 10).
  const noLoadP99 = async (w: Workload): Promise<number> =>
    (await run('noload', { ...w, arrivalsPerMs: w.capacity / w.baseMs / 2 }, limit('static 20')))
      .p99;

  for (const [name, w] of [
    ['steady', STEADY],
    ['halves', HALVES],
    ['doubles', DOUBLES],
  ] as const) {
    it(`${name}: gradient2 keeps >= 90 % of the best static limit's throughput at <= 2x the no-load p99`, async () => {
      const statics = await Promise.all(
        ['static 20', 'static 80', 'static 5'].map((l) => run(name, w, limit(l))),
      );
      const best = Math.max(...statics.map((r) => r.goodput));
      const g = await run(name, w, limit('gradient2'));
      expect(g.goodput).toBeGreaterThanOrEqual(0.9 * best);
      expect(g.p99).toBeLessThanOrEqual(2 * (await noLoadP99(w)));
      if (w.changeAt !== Number.POSITIVE_INFINITY) expect(followMs(g, w)).toBeLessThanOrEqual(3000);
      // The static limit 4x too high is what adapting avoids: the same throughput at four times the latency.
      expect(statics[1]?.p99).toBeGreaterThan(3 * (await noLoadP99(w)));
    }, 60_000);
  }

  it('every algorithm: one outcome per call, nothing unexpected, nothing left after close()', async () => {
    for (const [label, under] of LIMITS) {
      if (under.kind !== 'adaptive') continue;
      const r = await run('halves', HALVES, under);
      expect({ label, other: r.other, unsettled: r.unsettled, timers: r.timersAfterClose }).toEqual(
        {
          label,
          other: 0,
          unsettled: 0,
          timers: 0,
        },
      );
      expect(r.successes).toBeGreaterThan(0);
      expect(r.cancelled).toBe(0);
      expect(Math.min(...r.limits)).toBeGreaterThanOrEqual(under.min);
      expect(Math.max(...r.limits)).toBeLessThanOrEqual(under.max);
    }
  }, 60_000);

  it('close() with calls in flight: each ends once (cancelled), then no timer is left', async () => {
    for (const [label, under] of LIMITS) {
      if (under.kind !== 'adaptive') continue;
      const r = await simulate({ ...HALVES, durationMs: 3000 }, under, true);
      expect({ label, other: r.other, unsettled: r.unsettled, timers: r.timersAfterClose }).toEqual(
        {
          label,
          other: 0,
          unsettled: 0,
          timers: 0,
        },
      );
      expect(r.cancelled).toBeGreaterThan(0);
    }
  }, 60_000);
});

describe("a fleet's stream", () => {
  it('merges the adaptive limits of hosts: limits and counts add up, latencies are the mean, bad ones are left out', () => {
    const host = (limit: number, rtt: number | null): Record<string, unknown> => ({
      adaptive: {
        algorithm: 'gradient2',
        limit,
        minLimit: 2,
        maxLimit: 50,
        rttNoLoad: rtt,
        lastRtt: rtt,
        samples: 10,
        drops: 1,
      },
    });
    expect(
      mergeAdaptive([
        host(10, 4),
        host(14, 8),
        host(5, null),
        { adaptive: { algorithm: 'tcp', limit: 1 } },
        { adaptive: null },
        {},
      ]),
    ).toEqual({
      algorithm: 'gradient2',
      limit: 29,
      minLimit: 6,
      maxLimit: 150,
      rttNoLoad: 6,
      lastRtt: 6,
      samples: 30,
      drops: 3,
    });
    expect(mergeAdaptive([{}, { adaptive: null }])).toBeNull();
  });
});
