/**
 * The OpenTelemetry export against @opentelemetry/sdk-metrics: commands run on a manual clock, a
 * reader collects on demand, and every counter, histogram and observed value is checked by its
 * attributes.
 */
import { type Attributes, metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  type DataPoint,
  DataPointType,
  type Histogram,
  type MetricData,
  MeterProvider,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import { describe, expect, test } from 'vitest';
import {
  type OpenTelemetryOptions,
  registerOpenTelemetry,
} from '../../src/plugins/opentelemetry.js';
import { defaultHystrix, Hystrix, ManualClock } from '../../src/index.js';
import { ATTEMPT_COUNTS, attemptTraffic } from '../attempt-traffic.js';
import { policyTraffic } from '../policy-traffic.js';
import { after, deferred, failOnUnhandled, noEvents, timed, untilAborted } from '../helpers.js';

failOnUnhandled();

/** A reader that collects only when asked. */
class TestReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** One collection: metrics by instrument name. */
type Collected = Map<string, MetricData>;

async function collect(reader: MetricReader): Promise<Collected> {
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  const out: Collected = new Map();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      expect(out.has(metric.descriptor.name), metric.descriptor.name).toBe(false);
      out.set(metric.descriptor.name, metric);
    }
  }
  return out;
}

function sameAttributes(a: Attributes, b: Attributes): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** The number of the one point of a sum or gauge with exactly `attributes`. */
function numberOf(collected: Collected, name: string, attributes: Attributes): number {
  const metric = collected.get(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  if (metric.dataPointType !== DataPointType.SUM && metric.dataPointType !== DataPointType.GAUGE) {
    throw new Error(`${name} is not a sum or a gauge`);
  }
  const points = metric.dataPoints.filter((p) => sameAttributes(p.attributes, attributes));
  expect(points, `${name} ${JSON.stringify(attributes)}`).toHaveLength(1);
  return points[0]!.value;
}

/** The histogram of the one point with exactly `attributes`. */
function histogramOf(collected: Collected, name: string, attributes: Attributes): Histogram {
  const metric = collected.get(name);
  if (metric?.dataPointType !== DataPointType.HISTOGRAM) throw new Error(`${name}: no histogram`);
  const points = metric.dataPoints.filter((p) => sameAttributes(p.attributes, attributes));
  expect(points, `${name} ${JSON.stringify(attributes)}`).toHaveLength(1);
  return points[0]!.value;
}

/** Every point of a sum or gauge, as [attributes, value]. */
function pointsOf(collected: Collected, name: string): [Attributes, number][] {
  const metric = collected.get(name);
  if (metric === undefined) return [];
  return (metric.dataPoints as DataPoint<number>[]).map((p) => [p.attributes, p.value]);
}

/** The events counter of one command, by event. */
function eventsOf(collected: Collected, command: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [attributes, value] of pointsOf(collected, 'hystrix.events')) {
    if (attributes['hystrix.command'] === command) out[String(attributes['hystrix.event'])] = value;
  }
  return out;
}

function setup(options: Omit<OpenTelemetryOptions, 'meter' | 'hystrix'> = {}) {
  const clock = new ManualClock(1_700_000_000_000);
  const h = new Hystrix({ clock });
  const reader = new TestReader();
  const provider = new MeterProvider({ readers: [reader] });
  const handle = registerOpenTelemetry({
    meter: provider.getMeter('test'),
    hystrix: h,
    ...options,
  });
  return { clock, h, reader, handle };
}

const svc = { 'hystrix.command': 'svc' };

describe('counters and histograms', () => {
  test('events by command and event, requests, and both durations in ms', async () => {
    const { clock, h, reader } = setup();
    h.configureCommand('svc', {
      timeout: 100,
      maxConcurrentRequests: 1,
      requestVolumeThreshold: 1000,
    });
    expect(await timed(h, clock, 'svc', 10)).toBeUndefined();
    expect(await timed(h, clock, 'svc', 30)).toBeUndefined();
    expect(await timed(h, clock, 'svc', 5, 'fail', () => 'fb')).toBeUndefined();
    const timingOut = h.go('svc', untilAborted, () => {
      throw new Error('fallback down');
    });
    clock.advance(100);
    expect((await timingOut)?.name).toBe('FallbackError');
    const hold = deferred<string>();
    const held = h.go('svc', () => hold.promise);
    expect((await h.go('svc', after(clock, 1)))?.message).toBe('hystrix: max concurrency');
    clock.advance(20);
    hold.resolve('ok');
    expect(await held).toBeUndefined();
    const { circuit } = h.getCircuit('svc');
    circuit.forceOpen(true);
    expect(await h.go('svc', after(clock, 1), () => 'fb')).toBeUndefined();
    circuit.forceOpen(false);
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

    const c = await collect(reader);
    expect(eventsOf(c, 'svc')).toEqual({
      success: 3,
      failure: 1,
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
    expect(numberOf(c, 'hystrix.requests', svc)).toBe(9);
    // Runs that decided: 10, 30, 5, 20 ms.
    const run = histogramOf(c, 'hystrix.run.duration', svc);
    expect([run.count, run.sum, run.min, run.max]).toEqual([4, 65, 5, 30]);
    // Every call: 10, 30, 5, 100, 0 (rejected), 20, 0 (short-circuit), 7, 3 ms.
    const total = histogramOf(c, 'hystrix.total.duration', svc);
    expect([total.count, total.sum, total.min, total.max]).toEqual([9, 175, 0, 100]);
    expect(c.get('hystrix.run.duration')?.descriptor.unit).toBe('ms');
    expect(c.get('hystrix.total.duration')?.descriptor.unit).toBe('ms');
    expect(c.get('hystrix.events')?.dataPointType).toBe(DataPointType.SUM);
  });

  test("the policies' figures: bad requests, rate-limited and slow calls, the queue, as stats() has them", async () => {
    const { clock, h, reader } = setup();
    const traffic = await policyTraffic(h, clock, 'api');
    const api = { 'hystrix.command': 'api' };
    const stats = h.getCircuit('api').circuit.stats();
    let c = await collect(reader);
    expect(eventsOf(c, 'api')).toEqual({
      ...noEvents(),
      success: stats.successes,
      'bad-request': stats.badRequests,
      'rate-limited': stats.rateLimited,
    });
    expect(eventsOf(c, 'api')).toMatchObject({ success: 1, 'bad-request': 1, 'rate-limited': 1 });
    // Bad requests and rate-limited calls are not requests: they say nothing of the dependency.
    expect(numberOf(c, 'hystrix.requests', api)).toBe(stats.requests);
    expect(numberOf(c, 'hystrix.slow.calls', api)).toBe(stats.slowCalls);
    expect(stats.slowCalls).toBe(1);
    expect(numberOf(c, 'hystrix.queue.size', api)).toBe(stats.queueSize);
    expect(stats.queueSize).toBe(1);
    await traffic.release();
    c = await collect(reader);
    expect(numberOf(c, 'hystrix.queue.size', api)).toBe(0);
    // The held run took 1 s: slow too.
    expect(numberOf(c, 'hystrix.slow.calls', api)).toBe(2);
    expect(eventsOf(c, 'api')['success']).toBe(3);
  });

  test('retries, hedges and hedge wins, as stats() has them', async () => {
    const { clock, h, reader } = setup();
    await attemptTraffic(h, clock);
    const c = await collect(reader);
    for (const [command, counts] of Object.entries(ATTEMPT_COUNTS)) {
      const stats = h.getCircuit(command).circuit.stats();
      const attributes = { 'hystrix.command': command };
      expect([stats.retries, stats.hedges, stats.hedgeWins]).toEqual([
        counts.retries,
        counts.hedges,
        counts.hedgeWins,
      ]);
      expect(numberOf(c, 'hystrix.retries', attributes)).toBe(counts.retries);
      expect(numberOf(c, 'hystrix.hedges', attributes)).toBe(counts.hedges);
      expect(numberOf(c, 'hystrix.hedge.wins', attributes)).toBe(counts.hedgeWins);
    }
  });

  test('the instruments, their kinds and units', async () => {
    const { h, reader, handle } = setup();
    await h.go('x', () => 1);
    const c = await collect(reader);
    const kinds = [...c.values()].map((m) => [
      m.descriptor.name,
      DataPointType[m.dataPointType],
      m.dataPointType === DataPointType.SUM ? m.isMonotonic : null,
      m.descriptor.unit,
    ]);
    expect(kinds).toEqual([
      ['hystrix.events', 'SUM', true, '{event}'],
      ['hystrix.requests', 'SUM', true, '{request}'],
      ['hystrix.slow.calls', 'SUM', true, '{call}'],
      ['hystrix.retries', 'SUM', true, '{execution}'],
      ['hystrix.hedges', 'SUM', true, '{execution}'],
      ['hystrix.hedge.wins', 'SUM', true, '{execution}'],
      ['hystrix.run.duration', 'HISTOGRAM', null, 'ms'],
      ['hystrix.total.duration', 'HISTOGRAM', null, 'ms'],
      ['hystrix.executions.active', 'SUM', false, '{execution}'],
      ['hystrix.executions.limit', 'GAUGE', null, '{execution}'],
      ['hystrix.circuit.open', 'GAUGE', null, '1'],
      ['hystrix.circuit.state', 'GAUGE', null, '1'],
      ['hystrix.error.percentage', 'GAUGE', null, '%'],
      ['hystrix.queue.size', 'GAUGE', null, '{call}'],
    ]);
    // The fleet's gauges have points only in a fleet (test/redis/fleet-exports.test.ts).
    expect(handle.instrumentNames).toEqual([
      ...kinds.map(([name]) => name),
      'hystrix.fleet.local_mode',
      'hystrix.fleet.instances',
    ]);
  });

  test('a custom prefix names every instrument', async () => {
    const { h, reader, handle } = setup({ prefix: 'app.cb.' });
    await h.go('x', () => 1);
    const c = await collect(reader);
    expect([...c.keys()].every((n) => n.startsWith('app.cb.'))).toBe(true);
    expect(handle.instrumentNames.every((n) => n.startsWith('app.cb.'))).toBe(true);
    expect(numberOf(c, 'app.cb.requests', { 'hystrix.command': 'x' })).toBe(1);
  });

  test('each collection reports the totals; a delta reader gets the differences', async () => {
    const { h, reader } = setup();
    const deltas = new TestReader({
      aggregationTemporalitySelector: () => AggregationTemporality.DELTA,
    });
    const provider = new MeterProvider({ readers: [deltas] });
    registerOpenTelemetry({ meter: provider.getMeter('delta'), hystrix: h });
    const x = { 'hystrix.command': 'x' };
    await h.go('x', () => 1);
    await h.go('x', () => 1);
    expect(numberOf(await collect(reader), 'hystrix.requests', x)).toBe(2);
    expect(numberOf(await collect(deltas), 'hystrix.requests', x)).toBe(2);
    expect(numberOf(await collect(reader), 'hystrix.requests', x)).toBe(2);
    await h.go('x', () => Promise.reject(new Error('no')));
    let c = await collect(reader);
    expect(numberOf(c, 'hystrix.requests', x)).toBe(3);
    expect(eventsOf(c, 'x')).toEqual({ ...noEvents(), success: 2, failure: 1 });
    c = await collect(deltas);
    expect(numberOf(c, 'hystrix.requests', x)).toBe(1);
    expect(eventsOf(c, 'x')).toEqual({ ...noEvents(), failure: 1 });
    expect(histogramOf(c, 'hystrix.total.duration', x).count).toBe(1);
  });

  test('counters keep counting through a flush and a close', async () => {
    const { h, reader } = setup();
    await h.go('x', () => 1);
    h.flush();
    await h.go('x', () => 1);
    h.close();
    await h.go('x', () => 1);
    const c = await collect(reader);
    expect(numberOf(c, 'hystrix.requests', { 'hystrix.command': 'x' })).toBe(3);
    expect(histogramOf(c, 'hystrix.total.duration', { 'hystrix.command': 'x' }).count).toBe(3);
  });
});

describe('observed at collection', () => {
  test('runs in flight go up and back to 0; limit, open, state, error percentage', async () => {
    const { h, reader } = setup();
    h.configureCommand('svc', { maxConcurrentRequests: 5, requestVolumeThreshold: 1000 });
    await h.go('svc', () => Promise.reject(new Error('no')));
    const hold = deferred<number>();
    const pending = [1, 2, 3].map(() => h.go('svc', () => hold.promise));
    let c = await collect(reader);
    expect(numberOf(c, 'hystrix.executions.active', svc)).toBe(3);
    expect(numberOf(c, 'hystrix.executions.limit', svc)).toBe(5);
    expect(numberOf(c, 'hystrix.circuit.open', svc)).toBe(0);
    expect(pointsOf(c, 'hystrix.circuit.state')).toEqual([
      [{ ...svc, 'hystrix.circuit.state': 'closed' }, 1],
      [{ ...svc, 'hystrix.circuit.state': 'open' }, 0],
      [{ ...svc, 'hystrix.circuit.state': 'half-open' }, 0],
    ]);
    expect(numberOf(c, 'hystrix.error.percentage', svc)).toBe(100);
    hold.resolve(1);
    await Promise.all(pending);
    c = await collect(reader);
    expect(numberOf(c, 'hystrix.executions.active', svc)).toBe(0);
    // 1 error in 4 requests.
    expect(numberOf(c, 'hystrix.error.percentage', svc)).toBe(25);
    expect(numberOf(c, 'hystrix.error.percentage', svc)).toBe(
      h.getCircuit('svc').circuit.stats().errorPercent,
    );
  });

  test('an open circuit, then a probe in flight; collecting never moves the circuit', async () => {
    const { clock, h, reader } = setup();
    const down = { 'hystrix.command': 'down' };
    h.configureCommand('down', { requestVolumeThreshold: 2, sleepWindow: 1000 });
    for (let i = 0; i < 2; i++) await h.go('down', () => Promise.reject(new Error('no')));
    expect((await h.go('down', () => 1))?.message).toBe('hystrix: circuit open');
    const { circuit } = h.getCircuit('down');
    const state = (c: Collected) =>
      pointsOf(c, 'hystrix.circuit.state')
        .filter(([a]) => a['hystrix.command'] === 'down')
        .map(([a, v]) => [a['hystrix.circuit.state'], v]);
    let c = await collect(reader);
    expect(numberOf(c, 'hystrix.circuit.open', down)).toBe(1);
    expect(state(c)).toEqual([
      ['closed', 0],
      ['open', 1],
      ['half-open', 0],
    ]);
    clock.advance(1001);
    const before = circuit.stats();
    await collect(reader);
    c = await collect(reader);
    expect(circuit.stats()).toEqual(before);
    expect(circuit.state).toBe('open');
    expect(state(c)[1]).toEqual(['open', 1]);
    const probe = deferred<number>();
    const probing = h.go('down', () => probe.promise);
    c = await collect(reader);
    expect(state(c)[2]).toEqual(['half-open', 1]);
    expect(numberOf(c, 'hystrix.executions.active', down)).toBe(1);
    probe.resolve(1);
    expect(await probing).toBeUndefined();
    c = await collect(reader);
    expect(numberOf(c, 'hystrix.circuit.open', down)).toBe(0);
    expect(numberOf(c, 'hystrix.executions.active', down)).toBe(0);
  });
});

describe('command names and registration', () => {
  test('any string is an attribute value', async () => {
    const { h, reader } = setup();
    const odd = ['a"b\\c', '__proto__', 'constructor', 'commande-é-🚀-名前', 'two\nlines', ''];
    for (const name of odd) expect(await h.go(name, () => 1)).toBeUndefined();
    const c = await collect(reader);
    for (const name of odd) {
      expect(eventsOf(c, name), name).toEqual({ ...noEvents(), success: 1 });
      expect(numberOf(c, 'hystrix.requests', { 'hystrix.command': name })).toBe(1);
      expect(numberOf(c, 'hystrix.executions.active', { 'hystrix.command': name })).toBe(0);
    }
    expect(Object.prototype).not.toHaveProperty('hystrix.command');
  });

  test('a factory registered after circuits exist covers them', async () => {
    const h = new Hystrix({ clock: new ManualClock() });
    await h.go('early', () => 1);
    const reader = new TestReader();
    const meter = new MeterProvider({ readers: [reader] }).getMeter('test');
    registerOpenTelemetry({ meter, hystrix: h });
    let c = await collect(reader);
    expect(numberOf(c, 'hystrix.circuit.open', { 'hystrix.command': 'early' })).toBe(0);
    // Every series of the command exists from the start, at 0.
    expect(numberOf(c, 'hystrix.requests', { 'hystrix.command': 'early' })).toBe(0);
    expect(eventsOf(c, 'early')).toEqual(noEvents());
    await h.go('early', () => 1);
    c = await collect(reader);
    expect(numberOf(c, 'hystrix.requests', { 'hystrix.command': 'early' })).toBe(1);
    expect(eventsOf(c, 'early')).toEqual({ ...noEvents(), success: 1 });
  });

  test('unregister removes the factory and the callback; twice is harmless', async () => {
    const { h, reader, handle } = setup();
    await h.go('x', () => 1);
    await collect(reader);
    handle.unregister();
    handle.unregister();
    expect(h.metricCollectors.list()).toEqual([]);
    const hold = deferred<number>();
    const pending = h.go('x', () => hold.promise);
    await h.go('y', () => 1);
    const c = await collect(reader);
    // Counters receive nothing more; observed values are not observed again (the SDK keeps the last
    // ones).
    expect(numberOf(c, 'hystrix.requests', { 'hystrix.command': 'x' })).toBe(1);
    expect(pointsOf(c, 'hystrix.requests')).toHaveLength(1);
    expect(numberOf(c, 'hystrix.executions.active', { 'hystrix.command': 'x' })).toBe(0);
    expect(pointsOf(c, 'hystrix.circuit.open').map(([a]) => a['hystrix.command'])).toEqual(['x']);
    hold.resolve(1);
    await pending;
  });

  test('without meter or hystrix, the global meter and the default registry are used', async () => {
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    expect(metrics.setGlobalMeterProvider(provider)).toBe(true);
    const before = defaultHystrix.metricCollectors.list().length;
    try {
      const handle = registerOpenTelemetry();
      expect(defaultHystrix.metricCollectors.list()).toHaveLength(before + 1);
      expect(await defaultHystrix.do('otel-default', () => 1)).toBe(1);
      const { resourceMetrics } = await reader.collect();
      const scope = resourceMetrics.scopeMetrics.find((s) => s.scope.name === 'hystrix-ts');
      expect(scope).toBeDefined();
      const requests = scope!.metrics.find((m) => m.descriptor.name === 'hystrix.requests');
      expect((requests?.dataPoints as DataPoint<number>[] | undefined)?.[0]?.attributes).toEqual({
        'hystrix.command': 'otel-default',
      });
      handle.unregister();
    } finally {
      metrics.disable();
      defaultHystrix.flush();
    }
    expect(defaultHystrix.metricCollectors.list()).toHaveLength(before);
  });

  test('with no SDK installed, the global no-op meter takes it all', async () => {
    const h = new Hystrix({ clock: new ManualClock() });
    const handle = registerOpenTelemetry({ hystrix: h });
    expect(await h.do('x', () => 1)).toBe(1);
    expect(h.metricCollectors.list()).toHaveLength(1);
    handle.unregister();
    expect(h.metricCollectors.list()).toEqual([]);
  });
});

describe('options', () => {
  const h = new Hystrix({ clock: new ManualClock() });
  const meter = new MeterProvider().getMeter('test');
  const bad: [string, unknown, RegExp][] = [
    ['null options', null, /options must be an object/],
    ['options that are a string', 'x', /options must be an object/],
    ['a wrong meter', { meter: {}, hystrix: h }, /options\.meter must be an OpenTelemetry Meter/],
    ['a null meter', { meter: null, hystrix: h }, /options\.meter .*got null/],
    ['a wrong hystrix', { meter, hystrix: {} }, /options\.hystrix must be a Hystrix/],
    [
      'a prefix with a space',
      { meter, hystrix: h, prefix: 'my app.' },
      /options\.prefix.*"my app\."/,
    ],
    ['a prefix starting with a digit', { meter, hystrix: h, prefix: '1.' }, /options\.prefix/],
    ['a prefix with a colon', { meter, hystrix: h, prefix: 'a:b.' }, /options\.prefix/],
    ['a prefix too long', { meter, hystrix: h, prefix: 'a'.repeat(250) }, /options\.prefix/],
    [
      'a prefix that is not a string',
      { meter, hystrix: h, prefix: 1 },
      /options\.prefix must make valid instrument names.*got 1$/,
    ],
    ['an unknown option', { meter, hystrix: h, prefx: 'x.' }, /unknown option 'prefx'/],
  ];

  test.each(bad)('%s: a TypeError, and nothing registered', (_what, options, message) => {
    expect(() => registerOpenTelemetry(options as OpenTelemetryOptions)).toThrow(TypeError);
    expect(() => registerOpenTelemetry(options as OpenTelemetryOptions)).toThrow(message);
    expect(h.metricCollectors.list()).toEqual([]);
  });

  test('an empty prefix and undefined options are accepted', () => {
    const empty = registerOpenTelemetry({ meter, hystrix: h, prefix: '' });
    expect(empty.instrumentNames[0]).toBe('events');
    empty.unregister();
    const defaults = registerOpenTelemetry({ meter: undefined, hystrix: h, prefix: undefined });
    expect(defaults.instrumentNames[0]).toBe('hystrix.events');
    defaults.unregister();
    expect(h.metricCollectors.list()).toEqual([]);
  });
});

describe('an adaptive limit', () => {
  test('the concurrency limit gauge is the limit in force as it moves', async () => {
    const { h, reader } = setup();
    h.configureCommand('svc', {
      adaptiveConcurrency: 'aimd',
      minConcurrentRequests: 2,
      maxConcurrentRequests: 8,
    });
    await h.do('svc', () => 1);
    const limit = pointsOf(await collect(reader), 'hystrix.executions.limit');
    expect(limit).toEqual([[svc, 3]]);
  });
});
