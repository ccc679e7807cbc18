/**
 * The Prometheus export against prom-client itself: commands run on a manual clock, the registry is
 * scraped and the text exposition format parsed back, and every value is checked.
 */
import { Counter, type OpenMetricsContentType, Registry } from 'prom-client';
import { describe, expect, test } from 'vitest';
import {
  DEFAULT_DURATION_BUCKETS,
  type PrometheusOptions,
  type PrometheusRegistry,
  registerPrometheus,
} from '../../src/plugins/prometheus.js';
import { defaultHystrix, Hystrix, ManualClock } from '../../src/index.js';
import { ATTEMPT_COUNTS, attemptTraffic } from '../attempt-traffic.js';
import { policyTraffic } from '../policy-traffic.js';
import {
  after,
  deferred,
  EVENTS,
  failOnUnhandled,
  noEvents,
  timed,
  untilAborted,
} from '../helpers.js';

failOnUnhandled();

/** One sample line of the text exposition format. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A scrape, parsed back. */
interface Scrape {
  samples: Sample[];
  /** `# TYPE` lines: metric family name -> type. */
  types: Map<string, string>;
}

/**
 * Parses the text exposition format (prom-client's output): `# HELP` and `# TYPE` lines, and sample
 * lines `name{label="value",...} value` whose label values escape `\`, `"` and newline.
 */
function parseExposition(text: string): Scrape {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (type) types.set(type[1]!, type[2]!);
      else expect(line).toMatch(/^# HELP \S+ /);
      continue;
    }
    samples.push(parseSample(line));
  }
  return { samples, types };
}

function parseSample(line: string): Sample {
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
  if (name === undefined) throw new Error(`no metric name in ${JSON.stringify(line)}`);
  let i = name.length;
  const labels: Record<string, string> = Object.create(null) as Record<string, string>;
  if (line[i] === '{') {
    i++;
    while (line[i] !== '}') {
      const label = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i))?.[0];
      if (label === undefined || line.slice(i + label.length, i + label.length + 2) !== '="') {
        throw new Error(`bad label at ${i} in ${JSON.stringify(line)}`);
      }
      i += label.length + 2;
      let value = '';
      for (;;) {
        const c = line[i++];
        if (c === undefined) throw new Error(`unterminated label value in ${JSON.stringify(line)}`);
        if (c === '"') break;
        if (c !== '\\') {
          value += c;
          continue;
        }
        const escaped = line[i++];
        if (escaped === 'n') value += '\n';
        else if (escaped === '\\' || escaped === '"') value += escaped;
        else throw new Error(`bad escape \\${escaped} in ${JSON.stringify(line)}`);
      }
      if (label in labels) throw new Error(`label ${label} twice in ${JSON.stringify(line)}`);
      labels[label] = value;
      if (line[i] === ',') i++;
      else if (line[i] !== '}') throw new Error(`bad label list in ${JSON.stringify(line)}`);
    }
    i++;
  }
  if (line[i] !== ' ') throw new Error(`no value in ${JSON.stringify(line)}`);
  const text = line.slice(i + 1);
  const value = text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text);
  if (Number.isNaN(value)) throw new Error(`bad value in ${JSON.stringify(line)}`);
  return { name, labels: { ...labels }, value };
}

/** The samples of one name whose labels include `labels`. */
function select(scrape: Scrape, name: string, labels: Record<string, string> = {}): Sample[] {
  return scrape.samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

/** The value of the one sample of `name` with exactly `labels`. */
function valueOf(scrape: Scrape, name: string, labels: Record<string, string>): number {
  const found = scrape.samples.filter(
    (s) =>
      s.name === name &&
      Object.keys(s.labels).length === Object.keys(labels).length &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  expect(found, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return found[0]!.value;
}

/** Every event counter of one command, by event. */
function eventCounts(scrape: Scrape, command: string, prefix = 'hystrix_'): Record<string, number> {
  return Object.fromEntries(
    EVENTS.map((event) => [event, valueOf(scrape, `${prefix}events_total`, { command, event })]),
  );
}

async function scrape(registry: PrometheusRegistry): Promise<Scrape> {
  return parseExposition(await registry.metrics());
}

function setup(options: Omit<PrometheusOptions, 'registry' | 'hystrix'> = {}) {
  const clock = new ManualClock(1_700_000_000_000);
  const h = new Hystrix({ clock });
  const registry = new Registry();
  const handle = registerPrometheus({ registry, hystrix: h, ...options });
  return { clock, h, registry, handle };
}

describe('counters and histograms', () => {
  test('every event, the requests and both durations, exactly, after mixed outcomes', async () => {
    const { clock, h, registry } = setup({ buckets: [0.005, 0.01, 0.05, 0.1] });
    h.configureCommand('svc', {
      timeout: 100,
      maxConcurrentRequests: 2,
      requestVolumeThreshold: 1000,
    });
    // success 10 ms, success 30 ms, failure 20 ms, failure 5 ms with a fallback that succeeds
    expect(await timed(h, clock, 'svc', 10)).toBeUndefined();
    expect(await timed(h, clock, 'svc', 30)).toBeUndefined();
    expect((await timed(h, clock, 'svc', 20, 'fail'))?.message).toBe('boom');
    expect(await timed(h, clock, 'svc', 5, 'fail', () => 'fb')).toBeUndefined();
    // timeout at 100 ms with a fallback that fails
    const timingOut = h.go('svc', untilAborted, () => {
      throw new Error('fallback down');
    });
    clock.advance(100);
    expect((await timingOut)?.name).toBe('FallbackError');
    // two runs hold both tickets: the third call is rejected; they succeed after 40 ms
    const hold = deferred<string>();
    const held = [h.go('svc', () => hold.promise), h.go('svc', () => hold.promise)];
    expect((await h.go('svc', after(clock, 1)))?.message).toBe('hystrix: max concurrency');
    const during = await scrape(registry);
    expect(valueOf(during, 'hystrix_concurrent_executions', { command: 'svc' })).toBe(2);
    expect(valueOf(during, 'hystrix_concurrency_limit', { command: 'svc' })).toBe(2);
    clock.advance(40);
    hold.resolve('ok');
    expect(await Promise.all(held)).toEqual([undefined, undefined]);
    // forced open: a short-circuit, with a fallback that succeeds
    const { circuit } = h.getCircuit('svc');
    circuit.forceOpen(true);
    expect(await h.go('svc', after(clock, 1), () => 'fb')).toBeUndefined();
    circuit.forceOpen(false);
    // the caller aborts after 7 ms; the caller's deadline passes after 3 ms
    const abort = new AbortController();
    const aborted = h.go('svc', untilAborted, null, { signal: abort.signal });
    clock.advance(7);
    abort.abort();
    expect((await aborted)?.message).toBe('context canceled');
    const late = new AbortController();
    const deadline = h.go('svc', untilAborted, null, { signal: late.signal });
    clock.advance(3);
    late.abort(new DOMException('too late', 'TimeoutError'));
    expect((await deadline)?.message).toBe('context deadline exceeded');

    const s = await scrape(registry);
    expect(eventCounts(s, 'svc')).toEqual({
      success: 4,
      failure: 2,
      rejected: 1,
      'short-circuit': 1,
      timeout: 1,
      context_canceled: 1,
      context_deadline_exceeded: 1,
      'bad-request': 0,
      'rate-limited': 0,
      'fallback-success': 2,
      'fallback-failure': 1,
    });
    expect(select(s, 'hystrix_events_total')).toHaveLength(EVENTS.length);
    expect(valueOf(s, 'hystrix_requests_total', { command: 'svc' })).toBe(11);
    // Run durations of the runs that decided: 10, 30, 20, 5, 40, 40 ms.
    expect(valueOf(s, 'hystrix_run_duration_seconds_count', { command: 'svc' })).toBe(6);
    expect(valueOf(s, 'hystrix_run_duration_seconds_sum', { command: 'svc' })).toBeCloseTo(
      0.145,
      12,
    );
    const runBuckets = select(s, 'hystrix_run_duration_seconds_bucket', { command: 'svc' }).map(
      (b) => [b.labels['le'], b.value],
    );
    expect(runBuckets).toEqual([
      ['0.005', 1],
      ['0.01', 2],
      ['0.05', 6],
      ['0.1', 6],
      ['+Inf', 6],
    ]);
    // Total durations of every call: 10, 30, 20, 5, 100, 0, 40, 40, 0, 7, 3 ms.
    expect(valueOf(s, 'hystrix_total_duration_seconds_count', { command: 'svc' })).toBe(11);
    expect(valueOf(s, 'hystrix_total_duration_seconds_sum', { command: 'svc' })).toBeCloseTo(
      0.255,
      12,
    );
    const totalBuckets = select(s, 'hystrix_total_duration_seconds_bucket', {
      command: 'svc',
    }).map((b) => b.value);
    expect(totalBuckets).toEqual([4, 6, 10, 11, 11]);
    // The figures agree with the circuit's own.
    const stats = circuit.stats();
    expect(stats.requests).toBe(11);
    expect(stats.runLatency.count).toBe(6);
    expect(stats.totalLatency.count).toBe(11);
  });

  test("the policies' figures: bad requests, rate-limited and slow calls, the queue, as stats() has them", async () => {
    const { clock, h, registry } = setup();
    const traffic = await policyTraffic(h, clock, 'api');
    const stats = h.getCircuit('api').circuit.stats();
    const s = await scrape(registry);
    expect(eventCounts(s, 'api')).toEqual({
      ...noEvents(),
      success: stats.successes,
      'bad-request': stats.badRequests,
      'rate-limited': stats.rateLimited,
    });
    expect(eventCounts(s, 'api')).toMatchObject({
      success: 1,
      'bad-request': 1,
      'rate-limited': 1,
    });
    // Bad requests and rate-limited calls are not requests: they say nothing of the dependency.
    expect(valueOf(s, 'hystrix_requests_total', { command: 'api' })).toBe(stats.requests);
    expect(valueOf(s, 'hystrix_slow_calls_total', { command: 'api' })).toBe(stats.slowCalls);
    expect(stats.slowCalls).toBe(1);
    expect(valueOf(s, 'hystrix_queue_size', { command: 'api' })).toBe(1);
    await traffic.release();
    const later = await scrape(registry);
    expect(valueOf(later, 'hystrix_queue_size', { command: 'api' })).toBe(0);
    // The held run took 1 s: slow too.
    expect(valueOf(later, 'hystrix_slow_calls_total', { command: 'api' })).toBe(2);
    expect(valueOf(later, 'hystrix_events_total', { command: 'api', event: 'success' })).toBe(3);
  });

  test('retries, hedges and hedge wins, as stats() has them', async () => {
    const { clock, h, registry } = setup();
    await attemptTraffic(h, clock);
    const s = await scrape(registry);
    for (const [command, counts] of Object.entries(ATTEMPT_COUNTS)) {
      const stats = h.getCircuit(command).circuit.stats();
      expect([stats.retries, stats.hedges, stats.hedgeWins]).toEqual([
        counts.retries,
        counts.hedges,
        counts.hedgeWins,
      ]);
      expect(valueOf(s, 'hystrix_retries_total', { command })).toBe(counts.retries);
      expect(valueOf(s, 'hystrix_hedges_total', { command })).toBe(counts.hedges);
      expect(valueOf(s, 'hystrix_hedge_wins_total', { command })).toBe(counts.hedgeWins);
    }
  });

  test('the metric families, their types and their label names', async () => {
    const { h, registry, handle } = setup();
    await h.go('x', () => 1);
    const s = await scrape(registry);
    expect(Object.fromEntries(s.types)).toEqual({
      hystrix_events_total: 'counter',
      hystrix_requests_total: 'counter',
      hystrix_slow_calls_total: 'counter',
      hystrix_retries_total: 'counter',
      hystrix_hedges_total: 'counter',
      hystrix_hedge_wins_total: 'counter',
      hystrix_run_duration_seconds: 'histogram',
      hystrix_total_duration_seconds: 'histogram',
      hystrix_circuit_open: 'gauge',
      hystrix_circuit_state: 'gauge',
      hystrix_concurrent_executions: 'gauge',
      hystrix_concurrency_limit: 'gauge',
      hystrix_error_percentage: 'gauge',
      hystrix_queue_size: 'gauge',
      hystrix_fleet_local_mode: 'gauge',
      hystrix_fleet_instances: 'gauge',
    });
    expect(handle.metricNames).toEqual([...s.types.keys()]);
    const labelSets = new Set(
      s.samples.map((x) => `${x.name}:${Object.keys(x.labels).sort().join(',')}`),
    );
    expect([...labelSets].sort()).toEqual([
      'hystrix_circuit_open:command',
      'hystrix_circuit_state:command,state',
      'hystrix_concurrency_limit:command',
      'hystrix_concurrent_executions:command',
      'hystrix_error_percentage:command',
      'hystrix_events_total:command,event',
      'hystrix_hedge_wins_total:command',
      'hystrix_hedges_total:command',
      'hystrix_queue_size:command',
      'hystrix_requests_total:command',
      'hystrix_retries_total:command',
      'hystrix_run_duration_seconds_bucket:command,le',
      'hystrix_run_duration_seconds_count:command',
      'hystrix_run_duration_seconds_sum:command',
      'hystrix_slow_calls_total:command',
      'hystrix_total_duration_seconds_bucket:command,le',
      'hystrix_total_duration_seconds_count:command',
      'hystrix_total_duration_seconds_sum:command',
    ]);
    // Default buckets, in seconds.
    const le = select(s, 'hystrix_run_duration_seconds_bucket').map((b) => b.labels['le']);
    expect(le).toEqual([...DEFAULT_DURATION_BUCKETS.map(String), '+Inf']);
  });

  test('a synchronous success counts, with durations of 0', async () => {
    const { h, registry } = setup();
    expect(await h.do('sync', () => 42)).toBe(42);
    const s = await scrape(registry);
    expect(eventCounts(s, 'sync')).toEqual({ ...noEvents(), success: 1 });
    expect(valueOf(s, 'hystrix_run_duration_seconds_count', { command: 'sync' })).toBe(1);
    expect(valueOf(s, 'hystrix_run_duration_seconds_sum', { command: 'sync' })).toBe(0);
  });

  test('counts reach every reader of the registry, once', async () => {
    const { h, registry } = setup();
    await h.go('x', () => 1);
    expect(await registry.getSingleMetricAsString('hystrix_requests_total')).toContain(
      'hystrix_requests_total{command="x"} 1',
    );
    await h.go('x', () => 1);
    const json = await registry.getMetricsAsJSON();
    const requests = json.find((m) => m.name === 'hystrix_requests_total');
    expect(requests?.values).toEqual([{ value: 2, labels: { command: 'x' } }]);
    const events = json.find((m) => m.name === 'hystrix_events_total');
    expect(events?.values.find((v) => v.labels['event'] === 'success')?.value).toBe(2);
    const s = await scrape(registry);
    expect(valueOf(s, 'hystrix_requests_total', { command: 'x' })).toBe(2);
    expect(valueOf(s, 'hystrix_events_total', { command: 'x', event: 'success' })).toBe(2);
  });

  test('a custom prefix names every metric', async () => {
    const { h, registry, handle } = setup({ prefix: 'app_cb_' });
    await h.go('x', () => 1);
    const s = await scrape(registry);
    expect([...s.types.keys()].every((n) => n.startsWith('app_cb_'))).toBe(true);
    expect(handle.metricNames.every((n) => n.startsWith('app_cb_'))).toBe(true);
    expect(eventCounts(s, 'x', 'app_cb_')).toEqual({ ...noEvents(), success: 1 });
  });

  test('counters keep counting through a flush and a close: they never go back', async () => {
    const { h, registry } = setup();
    await h.go('x', () => 1);
    h.flush();
    await h.go('x', () => 1);
    h.close();
    await h.go('x', () => 1);
    const s = await scrape(registry);
    expect(valueOf(s, 'hystrix_requests_total', { command: 'x' })).toBe(3);
    expect(valueOf(s, 'hystrix_events_total', { command: 'x', event: 'success' })).toBe(3);
    expect(valueOf(s, 'hystrix_total_duration_seconds_count', { command: 'x' })).toBe(3);
  });

  test('an OpenMetrics registry: counters under _total; unregister still clears it', async () => {
    const clock = new ManualClock();
    const h = new Hystrix({ clock });
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const handle = registerPrometheus({ registry, hystrix: h });
    await h.go('x', () => 1);
    const text = await registry.metrics();
    expect(text).toContain('hystrix_events_total{command="x",event="success"} 1\n');
    expect(text).toContain('# TYPE hystrix_requests counter\n');
    await registry.metrics();
    handle.unregister();
    expect(registry.getMetricsAsArray()).toEqual([]);
  });
});

describe('gauges, read from the circuits at scrape time', () => {
  test('closed: open 0, state closed, executions, limit and error percentage', async () => {
    const { h, registry } = setup();
    h.configureCommand('svc', { maxConcurrentRequests: 7, requestVolumeThreshold: 1000 });
    for (let i = 0; i < 3; i++) await h.go('svc', () => 1);
    await h.go('svc', () => Promise.reject(new Error('no')));
    const hold = deferred<number>();
    const pending = h.go('svc', () => hold.promise);
    const s = await scrape(registry);
    expect(valueOf(s, 'hystrix_circuit_open', { command: 'svc' })).toBe(0);
    expect(
      select(s, 'hystrix_circuit_state', { command: 'svc' }).map((x) => [
        x.labels['state'],
        x.value,
      ]),
    ).toEqual([
      ['closed', 1],
      ['open', 0],
      ['half-open', 0],
    ]);
    expect(valueOf(s, 'hystrix_concurrent_executions', { command: 'svc' })).toBe(1);
    expect(valueOf(s, 'hystrix_concurrency_limit', { command: 'svc' })).toBe(7);
    // 1 error in 4 requests.
    expect(valueOf(s, 'hystrix_error_percentage', { command: 'svc' })).toBe(25);
    hold.resolve(1);
    await pending;
    const later = await scrape(registry);
    expect(valueOf(later, 'hystrix_concurrent_executions', { command: 'svc' })).toBe(0);
    expect(valueOf(later, 'hystrix_error_percentage', { command: 'svc' })).toBe(20);
    expect(valueOf(later, 'hystrix_error_percentage', { command: 'svc' })).toBe(
      h.getCircuit('svc').circuit.stats().errorPercent,
    );
  });

  test('open, then half-open with a probe; scraping never moves the circuit', async () => {
    const { clock, h, registry } = setup();
    h.configureCommand('down', {
      requestVolumeThreshold: 2,
      errorPercentThreshold: 50,
      sleepWindow: 1000,
    });
    for (let i = 0; i < 2; i++) await h.go('down', () => Promise.reject(new Error('no')));
    expect((await h.go('down', () => 1))?.message).toBe('hystrix: circuit open');
    const { circuit } = h.getCircuit('down');
    const states = (s: Scrape) =>
      select(s, 'hystrix_circuit_state', { command: 'down' }).map((x) => [
        x.labels['state'],
        x.value,
      ]);

    let s = await scrape(registry);
    expect(valueOf(s, 'hystrix_circuit_open', { command: 'down' })).toBe(1);
    expect(states(s)).toEqual([
      ['closed', 0],
      ['open', 1],
      ['half-open', 0],
    ]);
    expect(valueOf(s, 'hystrix_error_percentage', { command: 'down' })).toBe(100);

    // Past the sleep window the next call would be a probe; reading must not make it half-open.
    clock.advance(1001);
    const before = circuit.stats();
    expect(circuit.allowRequest()).toBe(true);
    s = await scrape(registry);
    await scrape(registry);
    expect(circuit.stats()).toEqual(before);
    expect(circuit.state).toBe('open');
    expect(circuit.allowRequest()).toBe(true);
    expect(states(s)[1]).toEqual(['open', 1]);

    const probe = deferred<number>();
    const probing = h.go('down', () => probe.promise);
    s = await scrape(registry);
    expect(valueOf(s, 'hystrix_circuit_open', { command: 'down' })).toBe(1);
    expect(states(s)).toEqual([
      ['closed', 0],
      ['open', 0],
      ['half-open', 1],
    ]);
    expect(valueOf(s, 'hystrix_concurrent_executions', { command: 'down' })).toBe(1);
    probe.resolve(1);
    expect(await probing).toBeUndefined();
    s = await scrape(registry);
    expect(valueOf(s, 'hystrix_circuit_open', { command: 'down' })).toBe(0);
    expect(states(s)[0]).toEqual(['closed', 1]);
    // The circuit's window started afresh when it closed; the counters did not.
    expect(valueOf(s, 'hystrix_error_percentage', { command: 'down' })).toBe(0);
    expect(valueOf(s, 'hystrix_requests_total', { command: 'down' })).toBe(4);
  });

  test('a scrape leaves every circuit as it was', async () => {
    const { clock, h, registry } = setup();
    // 'a' is unhealthy but not yet judged: only an admission may open it, never a reading.
    h.configureCommand('a', { requestVolumeThreshold: 1 });
    await h.go('a', () => Promise.reject(new Error('no')));
    await h.go('b', () => 1);
    h.getCircuit('b').circuit.forceClosed(true);
    const hold = deferred<number>();
    const pending = h.go('c', () => hold.promise);
    clock.advance(500);
    const circuits = h.getCircuits();
    const read = () => circuits.map((c) => [c.state, c.isOpen(), c.allowRequest(), c.stats()]);
    const before = read();
    expect(before[0]!.slice(0, 3)).toEqual(['closed', false, false]);
    await scrape(registry);
    await registry.getMetricsAsJSON();
    expect(read()).toEqual(before);
    const now = h.getCircuits();
    expect(now).toHaveLength(3);
    expect(now.every((c, i) => c === circuits[i])).toBe(true);
    hold.resolve(1);
    await pending;
  });

  test('forced open shows open; circuits forgotten by flush leave the gauges', async () => {
    const { h, registry } = setup();
    await h.go('x', () => 1);
    h.getCircuit('x').circuit.forceOpen(true);
    let s = await scrape(registry);
    expect(valueOf(s, 'hystrix_circuit_open', { command: 'x' })).toBe(1);
    h.flush();
    s = await scrape(registry);
    expect(select(s, 'hystrix_circuit_open')).toEqual([]);
    expect(select(s, 'hystrix_circuit_state')).toEqual([]);
    expect(valueOf(s, 'hystrix_requests_total', { command: 'x' })).toBe(1);
  });
});

describe('command names', () => {
  const odd = [
    'a"b\\c',
    '__proto__',
    'constructor',
    'commande-é-🚀-名前',
    'two\nlines',
    '',
    'a,event=x',
  ];

  test('any string is a label value, escaped by prom-client and parsed back exactly', async () => {
    const { h, registry } = setup();
    for (const name of odd) expect(await h.go(name, () => 1)).toBeUndefined();
    await h.go('a,event=x', () => Promise.reject(new Error('no')));
    const text = await registry.metrics();
    expect(text).toContain('command="a\\"b\\\\c"');
    expect(text).toContain('command="two\\nlines"');
    const s = parseExposition(text);
    for (const name of odd) {
      const failures = name === 'a,event=x' ? 1 : 0;
      expect(eventCounts(s, name), name).toEqual({ ...noEvents(), success: 1, failure: failures });
      expect(valueOf(s, 'hystrix_requests_total', { command: name })).toBe(1 + failures);
      expect(valueOf(s, 'hystrix_circuit_open', { command: name })).toBe(0);
      expect(valueOf(s, 'hystrix_total_duration_seconds_count', { command: name })).toBe(
        1 + failures,
      );
    }
    const commands = new Set(select(s, 'hystrix_requests_total').map((x) => x.labels['command']));
    expect([...commands].sort()).toEqual([...odd].sort());
    expect(Object.prototype).not.toHaveProperty('command');
  });
});

describe('registration', () => {
  test('a factory registered after circuits exist covers them, from 0', async () => {
    const clock = new ManualClock();
    const h = new Hystrix({ clock });
    await h.go('early', () => 1);
    const registry = new Registry();
    registerPrometheus({ registry, hystrix: h });
    let s = await scrape(registry);
    expect(eventCounts(s, 'early')).toEqual(noEvents());
    expect(valueOf(s, 'hystrix_requests_total', { command: 'early' })).toBe(0);
    expect(valueOf(s, 'hystrix_run_duration_seconds_count', { command: 'early' })).toBe(0);
    expect(valueOf(s, 'hystrix_circuit_open', { command: 'early' })).toBe(0);
    await h.go('early', () => 1);
    s = await scrape(registry);
    expect(eventCounts(s, 'early')).toEqual({ ...noEvents(), success: 1 });
    expect(valueOf(s, 'hystrix_run_duration_seconds_count', { command: 'early' })).toBe(1);
  });

  test('unregister removes the factory and our metrics, only ours; twice is harmless', async () => {
    const { h, registry, handle } = setup();
    const mine = new Counter({ name: 'app_requests_total', help: 'mine', registers: [registry] });
    mine.inc();
    await h.go('x', () => 1);
    expect(h.metricCollectors.list()).toHaveLength(1);
    handle.unregister();
    handle.unregister();
    expect(h.metricCollectors.list()).toEqual([]);
    expect(registry.getMetricsAsArray()).toEqual([mine]);
    expect(await registry.metrics()).toBe(
      '# HELP app_requests_total mine\n# TYPE app_requests_total counter\napp_requests_total 1\n',
    );
    expect(await h.go('x', () => 1)).toBeUndefined();
    // The names are free again: a new export starts from nothing.
    registerPrometheus({ registry, hystrix: h });
    await h.go('x', () => 1);
    const s = await scrape(registry);
    expect(valueOf(s, 'hystrix_requests_total', { command: 'x' })).toBe(1);
  });

  test('a second export on the same registry throws and leaves the first one whole', async () => {
    const { h, registry } = setup();
    const other = new Hystrix({ clock: new ManualClock() });
    expect(() => registerPrometheus({ registry, hystrix: other })).toThrow(
      /a metric named hystrix_events_total is already registered/,
    );
    expect(other.metricCollectors.list()).toEqual([]);
    await h.go('x', () => 1);
    const s = await scrape(registry);
    expect(valueOf(s, 'hystrix_requests_total', { command: 'x' })).toBe(1);
    expect(s.types.size).toBe(16);
    // With another prefix, both live on one registry.
    const second = registerPrometheus({ registry, hystrix: other, prefix: 'other_' });
    await other.go('y', () => 1);
    const both = await scrape(registry);
    expect(valueOf(both, 'other_requests_total', { command: 'y' })).toBe(1);
    expect(select(both, 'other_requests_total', { command: 'x' })).toEqual([]);
    second.unregister();
    expect((await scrape(registry)).types.size).toBe(16);
  });

  test('without a hystrix option, the default registry is exported', async () => {
    const registry = new Registry();
    const before = defaultHystrix.metricCollectors.list().length;
    const handle = registerPrometheus({ registry });
    try {
      expect(defaultHystrix.metricCollectors.list()).toHaveLength(before + 1);
      expect(await defaultHystrix.do('prometheus-default', () => 1)).toBe(1);
      const s = await scrape(registry);
      expect(valueOf(s, 'hystrix_requests_total', { command: 'prometheus-default' })).toBe(1);
    } finally {
      handle.unregister();
      defaultHystrix.flush();
    }
    expect(defaultHystrix.metricCollectors.list()).toHaveLength(before);
  });
});

describe('options', () => {
  const h = new Hystrix({ clock: new ManualClock() });
  const registry = new Registry();
  const bad: [string, unknown, RegExp][] = [
    ['no options', undefined, /options must be an object/],
    ['null options', null, /options must be an object/],
    ['no registry', { hystrix: h }, /options\.registry must be a prom-client Registry.*undefined/],
    [
      'a wrong registry',
      { registry: {}, hystrix: h },
      /options\.registry must be a prom-client Registry/,
    ],
    ['a registry that is a string', { registry: 'r', hystrix: h }, /options\.registry/],
    ['a wrong hystrix', { registry, hystrix: {} }, /options\.hystrix must be a Hystrix/],
    ['a null hystrix', { registry, hystrix: null }, /options\.hystrix must be a Hystrix, got null/],
    [
      'a prefix with a dash',
      { registry, hystrix: h, prefix: 'my-app_' },
      /options\.prefix.*"my-app_"/,
    ],
    ['a prefix with a dot', { registry, hystrix: h, prefix: 'hystrix.' }, /options\.prefix/],
    ['a prefix with a colon', { registry, hystrix: h, prefix: 'a:b_' }, /options\.prefix/],
    ['a prefix starting with a digit', { registry, hystrix: h, prefix: '1x_' }, /options\.prefix/],
    [
      'a prefix that is not a string',
      { registry, hystrix: h, prefix: 1 },
      /options\.prefix.*got 1$/,
    ],
    [
      'empty buckets',
      { registry, hystrix: h, buckets: [] },
      /options\.buckets must be a non-empty/,
    ],
    ['buckets not an array', { registry, hystrix: h, buckets: 0.1 }, /options\.buckets/],
    ['decreasing buckets', { registry, hystrix: h, buckets: [0.1, 0.05] }, /strictly increasing/],
    ['repeated buckets', { registry, hystrix: h, buckets: [0.1, 0.1] }, /strictly increasing/],
    ['a NaN bucket', { registry, hystrix: h, buckets: [0.1, NaN] }, /finite, non-negative/],
    ['an infinite bucket', { registry, hystrix: h, buckets: [Infinity] }, /finite, non-negative/],
    ['a negative bucket', { registry, hystrix: h, buckets: [-1, 1] }, /finite, non-negative/],
    ['a string bucket', { registry, hystrix: h, buckets: ['1'] }, /finite, non-negative/],
    ['an unknown option', { registry, hystrix: h, prefx: 'x_' }, /unknown option 'prefx'/],
  ];

  test.each(bad)('%s: a TypeError, and nothing registered', (_what, options, message) => {
    expect(() => registerPrometheus(options as PrometheusOptions)).toThrow(TypeError);
    expect(() => registerPrometheus(options as PrometheusOptions)).toThrow(message);
    expect(registry.getMetricsAsArray()).toEqual([]);
    expect(h.metricCollectors.list()).toEqual([]);
  });

  test('an empty prefix, custom buckets and undefined options are accepted', async () => {
    const r = new Registry();
    const handle = registerPrometheus({
      registry: r,
      hystrix: h,
      prefix: '',
      buckets: [0, 1],
    });
    expect(handle.metricNames[0]).toBe('events_total');
    await h.go('x', () => 1);
    const s = await scrape(r);
    expect(select(s, 'run_duration_seconds_bucket').map((b) => [b.labels['le'], b.value])).toEqual([
      ['0', 1],
      ['1', 1],
      ['+Inf', 1],
    ]);
    handle.unregister();
    const again = registerPrometheus({
      registry: r,
      hystrix: h,
      prefix: undefined,
      buckets: undefined,
    });
    expect(again.metricNames[0]).toBe('hystrix_events_total');
    again.unregister();
  });

  test('the buckets given are copied, not frozen or kept', () => {
    const r = new Registry();
    const buckets = [0.1, 1];
    const handle = registerPrometheus({ registry: r, hystrix: h, buckets });
    expect(Object.isFrozen(buckets)).toBe(false);
    buckets.push(0);
    handle.unregister();
  });
});

describe('an adaptive limit', () => {
  test('hystrix_concurrency_limit is the limit in force as it moves', async () => {
    const { h, registry } = setup();
    h.configureCommand('api', {
      adaptiveConcurrency: 'aimd',
      minConcurrentRequests: 2,
      maxConcurrentRequests: 8,
    });
    await h.do('api', () => 1);
    expect(valueOf(await scrape(registry), 'hystrix_concurrency_limit', { command: 'api' })).toBe(
      3,
    );
    expect(h.getCircuit('api').circuit.stats().adaptive?.limit).toBe(3);
  });
});
