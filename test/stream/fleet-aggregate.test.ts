/**
 * A fleet's stream merged as Netflix Turbine merges a cluster's: against hand-made snapshots (each rule of the
 * merge, and the Netflix dashboard's reading of it restated), against real registries on ManualClocks
 * snapshotted with streamSnapshot, and against hostile snapshots, which are skipped and never throw.
 */
import { describe, expect, test } from 'vitest';
import type { Hystrix } from '../../src/index.js';
import { aggregateSnapshots, type HostSnapshot, streamSnapshot } from '../../src/stream/index.js';
import { manualHystrix } from '../helpers.js';
import { keyOrder } from './sse-client.js';

type Message = Record<string, unknown>;

const NOW = 1_700_000_123_456;
const LATENCY = ['0', '25', '50', '75', '90', '95', '99', '99.5', '100'];

/** A `HystrixCommand` message as a process sends it, with some fields replaced. */
function command(name: string, fields: Message = {}): Message {
  const latency = (base: number): Message =>
    Object.fromEntries(LATENCY.map((p, i) => [p, base + i]));
  return {
    type: 'HystrixCommand',
    name,
    group: name,
    currentTime: NOW - 500,
    reportingHosts: 1,
    requestCount: 10,
    errorCount: 2,
    errorPercentage: 20,
    isCircuitBreakerOpen: false,
    rollingCountBadRequests: 0,
    rollingCountCollapsedRequests: 0,
    rollingCountExceptionsThrown: 0,
    rollingCountFailure: 2,
    rollingCountFallbackFailure: 0,
    rollingCountFallbackRejection: 0,
    rollingCountFallbackSuccess: 1,
    rollingCountResponsesFromCache: 0,
    rollingCountSemaphoreRejected: 0,
    rollingCountShortCircuited: 0,
    rollingCountSuccess: 8,
    rollingCountThreadPoolRejected: 0,
    rollingCountTimeout: 0,
    currentConcurrentExecutionCount: 1,
    latencyExecute_mean: 7,
    latencyExecute: latency(1),
    latencyTotal_mean: 8,
    latencyTotal: latency(2),
    propertyValue_circuitBreakerRequestVolumeThreshold: 20,
    propertyValue_circuitBreakerSleepWindowInMilliseconds: 5000,
    propertyValue_circuitBreakerErrorThresholdPercentage: 50,
    propertyValue_circuitBreakerForceOpen: false,
    propertyValue_circuitBreakerForceClosed: false,
    propertyValue_circuitBreakerEnabled: true,
    propertyValue_executionIsolationStrategy: 'THREAD',
    propertyValue_executionIsolationThreadTimeoutInMilliseconds: 1000,
    propertyValue_executionIsolationThreadInterruptOnTimeout: true,
    propertyValue_executionIsolationThreadPoolKeyOverride: '',
    propertyValue_executionIsolationSemaphoreMaxConcurrentRequests: 0,
    propertyValue_fallbackIsolationSemaphoreMaxConcurrentRequests: 0,
    propertyValue_metricsRollingStatisticalWindowInMilliseconds: 10000,
    propertyValue_requestCacheEnabled: false,
    propertyValue_requestLogEnabled: false,
    ...fields,
  };
}

function pool(name: string, fields: Message = {}): Message {
  return {
    type: 'HystrixThreadPool',
    name,
    reportingHosts: 1,
    currentActiveCount: 1,
    currentCompletedTaskCount: 0,
    currentCorePoolSize: 10,
    currentLargestPoolSize: 10,
    currentMaximumPoolSize: 10,
    currentPoolSize: 10,
    currentQueueSize: 0,
    currentTaskCount: 0,
    rollingMaxActiveThreads: 3,
    rollingCountThreadsExecuted: 9,
    propertyValue_metricsRollingStatisticalWindowInMilliseconds: 10000,
    propertyValue_queueSizeRejectionThreshold: 5,
    ...fields,
  };
}

const snapshot = (
  host: string,
  messages: readonly (Message | string)[],
  at = NOW - 200,
): HostSnapshot => ({
  host,
  at,
  messages: messages.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))),
});

const parsed = (texts: readonly string[]): Message[] => texts.map((t) => JSON.parse(t) as Message);
const ofType = (texts: readonly string[], type: string, name?: string): Message[] =>
  parsed(texts).filter((m) => m['type'] === type && (name === undefined || m['name'] === name));
const only = (texts: readonly string[], type: string, name: string): Message => {
  const found = ofType(texts, type, name);
  expect(found, `${type} ${name}`).toHaveLength(1);
  return found[0]!;
};

/**
 * What the Netflix dashboard writes for a merged circuit's state, restated from
 * hystrix-dashboard/.../hystrixCommand/templates/hystrixCircuit.html: its loose `==` compares a boolean or a
 * string with the number of hosts as numbers.
 */
function dashboardState(m: Message): { text: string; colour: string } {
  const open = m['isCircuitBreakerOpen'];
  const hosts = m['reportingHosts'] as number;
  if (Number(open) === hosts) return { text: 'Open', colour: 'red' };
  if (Number(open) === 0) return { text: 'Closed', colour: 'green' };
  return {
    text: String(open).replace('true', 'Open').replace('false', 'Closed'),
    colour: 'orange',
  };
}

describe("Turbine's merge of HystrixCommand and HystrixThreadPool messages", () => {
  test('figures and latency percentiles are summed, reportingHosts counts the hosts, currentTime is now', () => {
    const out = aggregateSnapshots(
      [
        snapshot('a', [command('pay'), pool('pay')]),
        snapshot('b', [
          command('pay', { requestCount: 30, errorCount: 3, errorPercentage: 10 }),
          pool('pay'),
        ]),
        snapshot('c', [command('pay', { requestCount: 5, latencyExecute_mean: 100 }), pool('pay')]),
      ],
      NOW,
    );
    const m = only(out, 'HystrixCommand', 'pay');
    expect(m).toMatchObject({
      name: 'pay',
      group: 'pay',
      currentTime: NOW,
      reportingHosts: 3,
      requestCount: 45,
      errorCount: 7,
      // Summed: the dashboard divides it by reportingHosts (hystrixCommand.js, convertAllAvg).
      errorPercentage: 50,
      rollingCountSuccess: 24,
      rollingCountFailure: 6,
      currentConcurrentExecutionCount: 3,
      latencyExecute_mean: 114,
      latencyTotal_mean: 24,
      latencyExecute: Object.fromEntries(LATENCY.map((p, i) => [p, 3 * (1 + i)])),
      latencyTotal: Object.fromEntries(LATENCY.map((p, i) => [p, 3 * (2 + i)])),
    });
    // The stream's own field order, percentiles included.
    const raw = out.find((t) => t.startsWith('{"type":"HystrixCommand"'))!;
    expect(keyOrder(raw)).toEqual(Object.keys(command('pay')));
    expect(keyOrder(/"latencyExecute":(\{[^}]*\})/.exec(raw)![1]!)).toEqual(LATENCY);
    const p = only(out, 'HystrixThreadPool', 'pay');
    const rawPool = out.find((t) => t.startsWith('{"type":"HystrixThreadPool"'))!;
    expect(keyOrder(rawPool)).toEqual(Object.keys(pool('pay')));
    expect(p).toMatchObject({
      reportingHosts: 3,
      currentActiveCount: 3,
      currentMaximumPoolSize: 30,
      rollingCountThreadsExecuted: 27,
      // Summed as Turbine 1.x sums integers: hystrixThreadPool.js divides both by reportingHosts.
      propertyValue_metricsRollingStatisticalWindowInMilliseconds: 30000,
      propertyValue_queueSizeRejectionThreshold: 15,
    });
    // Per circuit: the command, its pool, then the extended message (none here: no host sent one).
    expect(parsed(out).map((x) => x['type'])).toEqual(['HystrixCommand', 'HystrixThreadPool']);
  });

  test("a command's settings stay values: kept when all hosts agree, else Turbine's count per value", () => {
    const out = aggregateSnapshots(
      [
        snapshot('a', [
          command('pay', { propertyValue_executionIsolationThreadTimeoutInMilliseconds: 500 }),
        ]),
        snapshot('b', [command('pay')]),
        snapshot('c', [command('pay')]),
      ],
      NOW,
    );
    const m = only(out, 'HystrixCommand', 'pay');
    // hystrixCommand.js reads the window as it is to compute the rate: not a sum.
    expect(m['propertyValue_metricsRollingStatisticalWindowInMilliseconds']).toBe(10000);
    expect(m['propertyValue_circuitBreakerEnabled']).toBe(true);
    expect(m['propertyValue_executionIsolationStrategy']).toBe('THREAD');
    expect(m['propertyValue_executionIsolationThreadTimeoutInMilliseconds']).toBe(
      '{"1000":2,"500":1}',
    );
  });

  test('isCircuitBreakerOpen and booleans: the value when all agree, else the counts, as the dashboard reads them', () => {
    const merged = (...open: boolean[]): Message =>
      only(
        aggregateSnapshots(
          open.map((isOpen, i) =>
            snapshot(`h${i}`, [command('pay', { isCircuitBreakerOpen: isOpen })]),
          ),
          NOW,
        ),
        'HystrixCommand',
        'pay',
      );
    expect(merged(true)['isCircuitBreakerOpen']).toBe(true);
    expect(dashboardState(merged(true))).toEqual({ text: 'Open', colour: 'red' });
    expect(merged(false, false, false)['isCircuitBreakerOpen']).toBe(false);
    expect(dashboardState(merged(false, false, false))).toEqual({
      text: 'Closed',
      colour: 'green',
    });
    expect(merged(true, true, true)['isCircuitBreakerOpen']).toBe(true);
    expect(dashboardState(merged(true, true, true))).toEqual({ text: 'Open', colour: 'orange' });
    const mixed = merged(true, false, true);
    expect(mixed['isCircuitBreakerOpen']).toBe('{"false":1,"true":2}');
    expect(dashboardState(mixed)).toEqual({ text: '{"Closed":1,"Open":2}', colour: 'orange' });
  });

  test('a name only some hosts report counts only those hosts', () => {
    const out = aggregateSnapshots(
      [snapshot('a', [command('pay'), command('ship')]), snapshot('b', [command('ship')])],
      NOW,
    );
    expect(only(out, 'HystrixCommand', 'pay')['reportingHosts']).toBe(1);
    expect(only(out, 'HystrixCommand', 'ship')['reportingHosts']).toBe(2);
    expect(ofType(out, 'HystrixCommand').map((m) => m['name'])).toEqual(['pay', 'ship']);
  });

  test('without extended messages asked for, none is written', () => {
    const { h } = manualHystrix();
    h.configureCommand('pay', {});
    void h.go('pay', () => 1);
    const out = aggregateSnapshots([streamSnapshot(h, 'a')], NOW, false);
    expect(parsed(out).map((m) => m['type'])).toEqual(['HystrixCommand', 'HystrixThreadPool']);
  });
});

/** Runs calls on a registry: `ok` successes taking `ms` each, then `failed` failures. */
async function traffic(
  r: {
    h: Hystrix;
    clock: { advanceAsync(ms: number): Promise<void>; sleep(ms: number): Promise<void> };
  },
  name: string,
  ok: number,
  failed: number,
  ms: number,
): Promise<void> {
  const calls: Promise<unknown>[] = [];
  for (let i = 0; i < ok; i++) calls.push(r.h.go(name, () => r.clock.sleep(ms).then(() => 'ok')));
  for (let i = 0; i < failed; i++) {
    calls.push(
      r.h.go(name, () => {
        throw new Error('down');
      }),
    );
  }
  await r.clock.advanceAsync(ms);
  await Promise.allSettled(calls);
}

describe('real registries, snapshotted', () => {
  test('summed counts, reportingHosts, hosts per state, combined latencies and a row per host', async () => {
    const a = manualHystrix();
    const b = manualHystrix();
    const c = manualHystrix();
    for (const r of [a, b, c])
      r.h.configureCommand('pay', { requestVolumeThreshold: 4, errorPercentThreshold: 50 });
    await traffic(a, 'pay', 6, 1, 10);
    await traffic(b, 'pay', 2, 0, 40);
    await traffic(c, 'pay', 0, 5, 10);
    // The next call is admitted on c's health: 5 failures of 5 open its circuit.
    await c.h.go('pay', () => 'ok').catch(() => undefined);
    await traffic(a, 'ship', 3, 0, 5);
    const stats = [a, b, c].map((r) => r.h.getCircuit('pay').circuit.stats());
    expect(stats.map((s) => s.state)).toEqual(['closed', 'closed', 'open']);

    // Any order in, host order out.
    const snapshots = [
      streamSnapshot(c.h, 'host-c'),
      streamSnapshot(a.h, 'host-a'),
      streamSnapshot(b.h, 'host-b'),
    ];
    expect(snapshots[0]).toMatchObject({ host: 'host-c', at: c.h.now() });
    expect(snapshots[0]!.messages).toHaveLength(3);
    const out = aggregateSnapshots(snapshots, NOW);
    expect(parsed(out).map((m) => `${m['type'] as string} ${m['name'] as string}`)).toEqual([
      'HystrixCommand pay',
      'HystrixThreadPool pay',
      'HystrixTsCircuit pay',
      'HystrixCommand ship',
      'HystrixThreadPool ship',
      'HystrixTsCircuit ship',
    ]);
    const sum = (f: (s: (typeof stats)[number]) => number): number =>
      stats.reduce((t, s) => t + f(s), 0);

    const m = only(out, 'HystrixCommand', 'pay');
    expect(m).toMatchObject({
      reportingHosts: 3,
      requestCount: sum((s) => s.requests),
      errorCount: sum((s) => s.errors),
      errorPercentage: sum((s) => s.errorPercent),
      rollingCountSuccess: sum((s) => s.successes),
      rollingCountFailure: sum((s) => s.failures),
      rollingCountShortCircuited: sum((s) => s.shortCircuits),
      isCircuitBreakerOpen: '{"false":2,"true":1}',
    });
    expect(only(out, 'HystrixCommand', 'ship')).toMatchObject({
      reportingHosts: 1,
      requestCount: 3,
    });

    const x = only(out, 'HystrixTsCircuit', 'pay');
    const requests = sum((s) => s.requests);
    const errors = sum((s) => s.errors);
    expect(x).toMatchObject({
      state: 'open',
      states: { closed: 2, open: 1, 'half-open': 0 },
      reportingHosts: 3,
      forcedOpen: false,
      requests,
      errors,
      errorPercent: Math.trunc((errors / requests) * 100 + 0.5),
      successes: sum((s) => s.successes),
      failures: sum((s) => s.failures),
      shortCircuits: sum((s) => s.shortCircuits),
      maxConcurrentRequests: sum((s) => s.maxConcurrentRequests),
      consecutiveFailures: Math.max(...stats.map((s) => s.consecutiveFailures)),
    });
    const total = x['totalLatency'] as Record<string, number>;
    const withCalls = stats.filter((s) => s.totalLatency.count > 0);
    const count = sum((s) => s.totalLatency.count);
    expect(total['count']).toBe(count);
    expect(total['mean']).toBeCloseTo(
      withCalls.reduce((t, s) => t + s.totalLatency.mean * s.totalLatency.count, 0) / count,
      9,
    );
    expect(total['p0']).toBe(Math.min(...withCalls.map((s) => s.totalLatency.p0)));
    expect(total['p100']).toBe(Math.max(...withCalls.map((s) => s.totalLatency.p100)));
    for (const p of ['p50', 'p99']) {
      expect(total[p]).toBeGreaterThanOrEqual(total['p0']!);
      expect(total[p]).toBeLessThanOrEqual(total['p100']!);
    }
    // b's calls took 40 ms, a's 10 ms: the weighted median lies between.
    expect(total['p50']).toBeGreaterThan(Math.min(...withCalls.map((s) => s.totalLatency.p50)));
    expect(total['p50']).toBeLessThan(Math.max(...withCalls.map((s) => s.totalLatency.p50)));

    const rows = x['hosts'] as Message[];
    expect(rows.map((r) => r['host'])).toEqual(['host-a', 'host-b', 'host-c']);
    expect(rows.map((r) => r['state'])).toEqual(['closed', 'closed', 'open']);
    rows.forEach((row, i) => {
      const s = stats[i]!;
      expect(row).toMatchObject({
        requests: s.requests,
        errorPercent: s.errorPercent,
        successes: s.successes,
        failures: s.failures,
        shortCircuits: s.shortCircuits,
        mean: s.totalLatency.mean,
        p99: s.totalLatency.p99,
      });
    });
  });

  test('one host is its own stream: the merge of a single snapshot gives what it sent', async () => {
    const a = manualHystrix();
    await traffic(a, 'pay', 3, 1, 20);
    const snap = streamSnapshot(a.h, 'only');
    const out = aggregateSnapshots([snap], a.h.now());
    const sent = parsed(snap.messages);
    expect(only(out, 'HystrixCommand', 'pay')).toEqual(sent[0]);
    expect(only(out, 'HystrixThreadPool', 'pay')).toEqual(sent[1]);
    const x = only(out, 'HystrixTsCircuit', 'pay');
    const { hosts, states, reportingHosts, ...rest } = x;
    expect(rest).toEqual(sent[2]);
    expect(reportingHosts).toBe(1);
    expect(states).toEqual({ closed: 1, open: 0, 'half-open': 0 });
    expect(hosts).toHaveLength(1);
  });

  test('streamSnapshot takes any string as a host, and nothing else', () => {
    const { h } = manualHystrix();
    expect(streamSnapshot(h, '').host).toBe('');
    expect(() => streamSnapshot(h, 42 as unknown as string)).toThrow(TypeError);
  });
});

describe('hostile snapshots', () => {
  const good = snapshot('good', [command('pay'), pool('pay')]);

  test('messages that are not JSON of the expected shape are skipped, the rest merged', () => {
    const bad: (Message | string)[] = [
      'not json',
      '',
      '[1,2]',
      'null',
      '42',
      '"HystrixCommand"',
      '{"type":"HystrixCommand"}',
      command('pay', { requestCount: -1 }),
      command('pay', { requestCount: '10' }),
      command('pay', { requestCount: 1e300 }),
      command('pay', { reportingHosts: 0 }),
      command('pay', { latencyExecute: { 0: 1 } }),
      command('pay', { latencyExecute: [1, 2, 3] }),
      command('pay', { isCircuitBreakerOpen: null }),
      command('pay', { group: { a: 1 } }),
      command('pay', { currentTime: 'now' }),
      command(42 as unknown as string),
      { ...command('pay'), type: 'Other' },
      pool('pay', { currentActiveCount: true }),
      { type: 'HystrixTsCircuit', name: 'pay', state: 'melted' },
    ];
    const out = aggregateSnapshots([good, snapshot('evil', bad)], NOW);
    expect(only(out, 'HystrixCommand', 'pay')).toMatchObject({
      reportingHosts: 1,
      requestCount: 10,
    });
    expect(only(out, 'HystrixThreadPool', 'pay')).toMatchObject({ reportingHosts: 1 });
    expect(ofType(out, 'HystrixTsCircuit')).toHaveLength(0);
    expect(out).toHaveLength(2);
  });

  test('malformed snapshots are skipped whole; nothing throws', () => {
    const throwing = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    const getter = Object.defineProperty({ host: 'g', at: 1 }, 'messages', {
      get() {
        throw new Error('getter');
      },
    });
    const hostile = [
      null,
      undefined,
      42,
      'snapshot',
      { host: 1, at: 1, messages: [] },
      { host: 'x', at: Number.NaN, messages: [JSON.stringify(command('pay'))] },
      { host: 'x', at: 1, messages: JSON.stringify(command('pay')) },
      { host: 'x', at: 1, messages: [42, null, {}, JSON.stringify(command('other'))] },
      throwing,
      getter,
    ] as unknown as HostSnapshot[];
    let out: string[] = [];
    expect(() => (out = aggregateSnapshots([good, ...hostile], NOW))).not.toThrow();
    expect(only(out, 'HystrixCommand', 'pay')['reportingHosts']).toBe(1);
    // Only the valid string message of the last plain snapshot counts.
    expect(only(out, 'HystrixCommand', 'other')['reportingHosts']).toBe(1);
    expect(aggregateSnapshots('nope' as unknown as HostSnapshot[], NOW)).toEqual([]);
    expect(aggregateSnapshots(null as unknown as HostSnapshot[], NOW)).toEqual([]);
  });

  test('a host listed twice counts once (its latest snapshot), a name sent twice by a host once', () => {
    const out = aggregateSnapshots(
      [
        snapshot('a', [command('pay', { requestCount: 1 })], NOW - 2000),
        snapshot(
          'a',
          [command('pay', { requestCount: 2 }), command('pay', { requestCount: 100 })],
          NOW - 1000,
        ),
        snapshot('b', [command('pay', { requestCount: 3 })]),
      ],
      NOW,
    );
    expect(only(out, 'HystrixCommand', 'pay')).toMatchObject({
      reportingHosts: 2,
      requestCount: 5,
    });
  });

  test('names and hosts with any characters stay JSON-escaped', () => {
    const names = [
      'a"b\\c',
      '</script><script>alert(1)</script>',
      '__proto__',
      'line\nbreak\u2028',
      'constructor',
      '',
    ];
    const out = aggregateSnapshots(
      names.flatMap((name, i) => [
        snapshot(`"host"\n${i}<b>`, [command(name, { group: name }), pool(name)]),
        snapshot(`__proto__${i}`, [command(name, { group: name }), pool(name)]),
      ]),
      NOW,
    );
    for (const text of out) expect(() => JSON.parse(text) as unknown).not.toThrow();
    expect(ofType(out, 'HystrixCommand').map((m) => m['name'])).toEqual(
      [...names].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)),
    );
    for (const name of names) {
      expect(only(out, 'HystrixCommand', name)).toMatchObject({ group: name, reportingHosts: 2 });
    }
  });

  test('extended messages: hostile hosts and names reach the rows as plain strings', async () => {
    const a = manualHystrix();
    await traffic(a, '__proto__', 1, 0, 5);
    const snap = streamSnapshot(a.h, '<img src=x onerror=alert(1)>');
    const out = aggregateSnapshots([snap, { ...snap, host: '__proto__' }], NOW);
    const x = only(out, 'HystrixTsCircuit', '__proto__');
    expect((x['hosts'] as Message[]).map((r) => r['host'])).toEqual([
      '<img src=x onerror=alert(1)>',
      '__proto__',
    ]);
    expect(x['requests']).toBe(2);
  });
});

describe('retries and hedges across a fleet', () => {
  test('summed over the hosts; a host that does not send them (an earlier version) counts 0', async () => {
    const hosts = [manualHystrix(), manualHystrix()];
    for (const r of hosts) {
      r.h.configureCommand('pay', { retryAttempts: 3, retryBackoffBase: 1 });
      let tries = 0;
      const call = r.h.go('pay', () => {
        if (++tries < 3) throw new Error('flaky');
        return 'ok';
      });
      await r.clock.advanceAsync(1);
      await r.clock.advanceAsync(2);
      await call;
      expect(r.h.getCircuit('pay').circuit.stats().retries).toBe(2);
    }
    const [a, b] = hosts.map((r, i) => streamSnapshot(r.h, `host-${i}`));
    const merged = (snapshots: HostSnapshot[]): Message | undefined =>
      parsed(aggregateSnapshots(snapshots, NOW)).find((m) => m['type'] === 'HystrixTsCircuit');
    expect(merged([a!, b!])).toMatchObject({
      retries: 4,
      hedges: 0,
      hedgeWins: 0,
      retryAttempts: 3,
    });
    // The same host, as a version before retries wrote it: the circuit still merges, with 0 from it.
    const older: HostSnapshot = {
      ...b!,
      messages: b!.messages.map((text) => {
        const m = JSON.parse(text) as Message;
        if (m['type'] !== 'HystrixTsCircuit') return text;
        const dropped = ['retries', 'hedges', 'hedgeWins', 'retryAttempts', 'hedgeMaxAttempts'];
        return JSON.stringify(
          Object.fromEntries(Object.entries(m).filter(([k]) => !dropped.includes(k))),
        );
      }),
    };
    expect(merged([a!, older])).toMatchObject({ retries: 2, reportingHosts: 2, retryAttempts: 3 });
  });
});
