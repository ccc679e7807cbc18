import { describe, expect, it } from 'vitest';
import {
  type AnyCommandConfig,
  type CommandConfig,
  configureCommand,
  DefaultErrorPercentThreshold,
  DefaultFallbackTimeout,
  DefaultHalfOpenProbes,
  DefaultLatencyBuckets,
  DefaultLatencyWindow,
  DefaultMaxConcurrent,
  DefaultRollingBuckets,
  DefaultRollingWindow,
  DefaultSleepWindow,
  DefaultTimeout,
  DefaultVolumeThreshold,
  defaultHystrix,
  defaultSettings,
  ErrMaxConcurrency,
  ErrTimeout,
  getCircuitSettings,
  Hystrix,
  type HystrixGoCommandConfig,
  ManualClock,
  type Settings,
} from '../src/index.js';
import { flushPromises, manualHystrix, never, thrownBy } from './helpers.js';

type Key = keyof CommandConfig;
type JsonKey = keyof HystrixGoCommandConfig;

interface FieldSpec {
  key: Key;
  json: JsonKey;
  min: number;
  max: number;
}

const MAX_DELAY = 2_147_483_647;

const FIELDS: readonly FieldSpec[] = [
  { key: 'timeout', json: 'timeout', min: 1, max: MAX_DELAY },
  {
    key: 'maxConcurrentRequests',
    json: 'max_concurrent_requests',
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
  },
  {
    key: 'requestVolumeThreshold',
    json: 'request_volume_threshold',
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
  },
  { key: 'sleepWindow', json: 'sleep_window', min: 1, max: MAX_DELAY },
  { key: 'errorPercentThreshold', json: 'error_percent_threshold', min: 1, max: 100 },
  { key: 'rollingWindow', json: 'rolling_window', min: 1, max: MAX_DELAY },
  { key: 'rollingBuckets', json: 'rolling_buckets', min: 1, max: 100 },
  { key: 'latencyWindow', json: 'latency_window', min: 1, max: MAX_DELAY },
  { key: 'latencyBuckets', json: 'latency_buckets', min: 1, max: 60 },
  { key: 'halfOpenProbes', json: 'half_open_probes', min: 1, max: Number.MAX_SAFE_INTEGER },
  { key: 'fallbackTimeout', json: 'fallback_timeout', min: 1, max: MAX_DELAY },
];

/** The policies' settings, each at its default: off (the queue's wait and slow-call share have defaults). */
const POLICIES_OFF = {
  maxRequestsPerSecond: 0,
  burst: 0,
  maxQueueSize: 0,
  maxQueueWait: 1000,
  slowCallDuration: 0,
  slowCallPercentThreshold: 100,
  consecutiveFailures: 0,
  fleetMaxConcurrentRequests: 0,
  fleetMaxRequestsPerSecond: 0,
  retryAttempts: 1,
  retryBudgetPercent: 10,
  retryBudgetMinPerSecond: 10,
  retryBackoffBase: 100,
  retryBackoffCap: 2000,
  hedgeMaxAttempts: 1,
  hedgeDelay: 0,
  hedgeDelayPercentile: 0,
  minConcurrentRequests: 1,
  isBadRequest: null,
  adaptiveConcurrency: null,
} as const;

/** A configuration with one field of any value (bad input is the point). */
function cfg(key: string, value: unknown): AnyCommandConfig {
  return { [key]: value };
}

/** Runs `fn`, which must throw an Error, and returns it. */
function thrown(fn: () => unknown): Error {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

/** Expects `fn` to throw exactly `kind` with a message containing every one of `words`. */
function expectThrow(
  fn: () => unknown,
  kind: typeof TypeError | typeof RangeError,
  words: readonly string[] = [],
): Error {
  const error = thrown(fn);
  expect(error.constructor).toBe(kind);
  for (const word of words) expect(error.message).toContain(word);
  return error;
}

interface Snapshot {
  defaults: Settings;
  settings: [string, Settings][];
  circuits: [string, Settings][];
}

function snapshot(h: Hystrix): Snapshot {
  return {
    defaults: { ...h.getDefaults() },
    settings: [...h.getCircuitSettings()].map(([name, s]) => [name, { ...s }]),
    circuits: h.getCircuits().map((c) => [c.name, { ...c.circuitSettings }]),
  };
}

function expectUnchanged(h: Hystrix, before: Snapshot): void {
  expect(snapshot(h)).toEqual(before);
}

/** A registry with changed defaults, configured commands and circuits, to check that nothing moves. */
function populated(): ReturnType<typeof manualHystrix> {
  const m = manualHystrix();
  m.h.setDefaults({ timeout: 700, sleepWindow: 900 });
  m.h.configureCommand('a', { maxConcurrentRequests: 3, errorPercentThreshold: 20 });
  m.h.configureCommand('b', { rollingWindow: 20_000, rollingBuckets: 20 });
  m.h.getCircuit('a');
  m.h.getCircuit('c');
  return m;
}

/** Starts a call with `go` and keeps its outcome at hand. */
function track(promise: Promise<Error | undefined>): { outcome: () => unknown } {
  let outcome: unknown = 'pending';
  promise.then((r) => (outcome = r));
  return { outcome: () => outcome };
}

/** Checks that a call on `name` that hangs times out after exactly `ms`. */
async function expectTimeoutAfter(
  m: ReturnType<typeof manualHystrix>,
  name: string,
  ms: number,
): Promise<void> {
  const call = track(m.h.go(name, never));
  m.clock.advance(ms - 1);
  await flushPromises();
  expect(call.outcome()).toBe('pending');
  m.clock.advance(1);
  await flushPromises();
  expect(call.outcome()).toBeCircuitError(ErrTimeout);
}

describe("hystrix-go's settings_test.go", () => {
  it('TestConfigureConcurrency', () => {
    configureCommand('', { maxConcurrentRequests: 100 });
    expect(defaultHystrix.getSettings('').maxConcurrentRequests).toBe(100);
  });

  it('TestConfigureTimeout', () => {
    configureCommand('', { timeout: 10000 });
    expect(defaultHystrix.getSettings('').timeout).toBe(10000);
  });

  it('TestConfigureRVT', () => {
    configureCommand('', { requestVolumeThreshold: 30 });
    expect(defaultHystrix.getSettings('').requestVolumeThreshold).toBe(30);
  });

  it('TestSleepWindowDefault', () => {
    configureCommand('', {});
    expect(defaultHystrix.getSettings('').sleepWindow).toBe(5000);
  });

  it('TestGetCircuitSettings', () => {
    configureCommand('', { timeout: 30000 });
    const entry = getCircuitSettings().get('');
    expect(entry).toBe(defaultHystrix.getSettings(''));
    expect(entry?.timeout).toBe(30000);
  });
});

describe('defaults', () => {
  it("are hystrix-go's, with the new settings' own", () => {
    const { h } = manualHystrix();
    expect(h.getDefaults()).toEqual({
      timeout: 1000,
      maxConcurrentRequests: 10,
      requestVolumeThreshold: 20,
      sleepWindow: 5000,
      errorPercentThreshold: 50,
      rollingWindow: 10_000,
      rollingBuckets: 10,
      latencyWindow: 60_000,
      latencyBuckets: 6,
      halfOpenProbes: 1,
      fallbackTimeout: 1000,
      ...POLICIES_OFF,
    });
    expect(defaultSettings).toEqual(h.getDefaults());
    expect([
      DefaultTimeout,
      DefaultMaxConcurrent,
      DefaultVolumeThreshold,
      DefaultSleepWindow,
      DefaultErrorPercentThreshold,
      DefaultRollingWindow,
      DefaultRollingBuckets,
      DefaultLatencyWindow,
      DefaultLatencyBuckets,
      DefaultHalfOpenProbes,
      DefaultFallbackTimeout,
    ]).toEqual([1000, 10, 20, 5000, 50, 10_000, 10, 60_000, 6, 1, 1000]);
  });

  it('are given to a command that was never configured, without registering it', () => {
    const { h } = manualHystrix();
    expect(h.getSettings('never-seen')).toEqual(h.getDefaults());
    expect(h.getCircuitSettings().size).toBe(0);
  });

  it('settings handed out are frozen', () => {
    const { h } = manualHystrix();
    h.configureCommand('a', { timeout: 5 });
    expect(Object.isFrozen(h.getSettings('a'))).toBe(true);
    expect(Object.isFrozen(h.getDefaults())).toBe(true);
    expect(Object.isFrozen(h.getCircuit('a').circuit.circuitSettings)).toBe(true);
  });
});

describe('configureCommand', () => {
  it('sets every field, camelCase', () => {
    const { h } = manualHystrix();
    const isBadRequest = (error: unknown): boolean => error === 404;
    const config: Required<CommandConfig> = {
      timeout: 11,
      maxConcurrentRequests: 12,
      requestVolumeThreshold: 13,
      sleepWindow: 14,
      errorPercentThreshold: 15,
      rollingWindow: 1600,
      rollingBuckets: 16,
      latencyWindow: 1700,
      latencyBuckets: 17,
      halfOpenProbes: 18,
      fallbackTimeout: 19,
      maxRequestsPerSecond: 2.5,
      burst: 21,
      maxQueueSize: 22,
      maxQueueWait: 23,
      slowCallDuration: 24,
      slowCallPercentThreshold: 25,
      consecutiveFailures: 26,
      fleetMaxConcurrentRequests: 27,
      fleetMaxRequestsPerSecond: 2.8,
      retryAttempts: 3,
      retryBudgetPercent: 12.5,
      retryBudgetMinPerSecond: 0.5,
      retryBackoffBase: 31,
      retryBackoffCap: 320,
      // Hedging is refused beside retries: one of its fields set to its "none" value, the others set.
      hedgeMaxAttempts: 1,
      hedgeDelay: 33,
      hedgeDelayPercentile: 99.5,
      adaptiveConcurrency: 'gradient2',
      minConcurrentRequests: 3,
      isBadRequest,
    };
    h.configureCommand('x', config);
    expect(h.getSettings('x')).toEqual(config);
  });

  it("accepts hystrix-go's JSON keys, and the new settings' snake_case keys", () => {
    const { h } = manualHystrix();
    h.configureCommand('x', {
      timeout: 11,
      max_concurrent_requests: 12,
      request_volume_threshold: 13,
      sleep_window: 14,
      error_percent_threshold: 15,
      rolling_window: 1600,
      rolling_buckets: 16,
      latency_window: 1700,
      latency_buckets: 17,
      half_open_probes: 18,
      fallback_timeout: 19,
      max_requests_per_second: 20,
      burst: 21,
      max_queue_size: 22,
      max_queue_wait: 23,
      slow_call_duration: 24,
      slow_call_percent_threshold: 25,
      consecutive_failures: 26,
      fleet_max_concurrent_requests: 27,
      fleet_max_requests_per_second: 28,
      retry_attempts: 3,
      retry_budget_percent: 29,
      retry_budget_min_per_second: 30,
      retry_backoff_base: 31,
      retry_backoff_cap: 32,
      hedge_max_attempts: 1,
      hedge_delay: 33,
      hedge_delay_percentile: 34,
      adaptive_concurrency: 'vegas',
      min_concurrent_requests: 2,
    });
    expect(h.getSettings('x')).toEqual({
      timeout: 11,
      maxConcurrentRequests: 12,
      requestVolumeThreshold: 13,
      sleepWindow: 14,
      errorPercentThreshold: 15,
      rollingWindow: 1600,
      rollingBuckets: 16,
      latencyWindow: 1700,
      latencyBuckets: 17,
      halfOpenProbes: 18,
      fallbackTimeout: 19,
      maxRequestsPerSecond: 20,
      burst: 21,
      maxQueueSize: 22,
      maxQueueWait: 23,
      slowCallDuration: 24,
      slowCallPercentThreshold: 25,
      consecutiveFailures: 26,
      fleetMaxConcurrentRequests: 27,
      fleetMaxRequestsPerSecond: 28,
      retryAttempts: 3,
      retryBudgetPercent: 29,
      retryBudgetMinPerSecond: 30,
      retryBackoffBase: 31,
      retryBackoffCap: 32,
      hedgeMaxAttempts: 1,
      hedgeDelay: 33,
      hedgeDelayPercentile: 34,
      adaptiveConcurrency: 'vegas',
      minConcurrentRequests: 2,
      isBadRequest: null,
    });
  });

  it('accepts hystrix-go JSON text as it is', () => {
    const { h } = manualHystrix();
    const text =
      '{"timeout": 300, "max_concurrent_requests": 7, "request_volume_threshold": 8,' +
      ' "sleep_window": 900, "error_percent_threshold": 40}';
    h.configureCommand('x', JSON.parse(text) as HystrixGoCommandConfig);
    expect(h.getSettings('x')).toEqual({
      ...defaultSettings,
      timeout: 300,
      maxConcurrentRequests: 7,
      requestVolumeThreshold: 8,
      sleepWindow: 900,
      errorPercentThreshold: 40,
    });
  });

  it.each(FIELDS.filter((f) => f.key !== f.json).map((f) => f.json))(
    'a JSON-key %s of 0 means the default',
    (json) => {
      const { h } = manualHystrix();
      h.configureCommand('x', cfg(json, 0));
      expect(h.getSettings('x')).toEqual(defaultSettings);
    },
  );

  it('a JSON-key 0 means the default in force, as hystrix-go reads its mutable defaults', () => {
    const { h } = manualHystrix();
    h.setDefaults({ maxConcurrentRequests: 4, sleepWindow: 321 });
    h.configureCommand('x', { max_concurrent_requests: 0, sleep_window: 0, timeout: 0 });
    expect(h.getSettings('x')).toEqual({
      ...defaultSettings,
      maxConcurrentRequests: 4,
      sleepWindow: 321,
    });
  });

  it.each(FIELDS.filter((f) => f.key !== f.json).map((f) => f.key))(
    'a camelCase %s of 0 is a RangeError (the minimum is 1)',
    (key) => {
      const { h } = manualHystrix();
      expectThrow(() => h.configureCommand('x', cfg(key, 0)), RangeError, [key, "'x'"]);
      expect(h.getCircuitSettings().size).toBe(0);
    },
  );

  it("timeout 0 beside a hystrix-go snake_case key means the default (hystrix-go's JSON form)", () => {
    const { h } = manualHystrix();
    h.configureCommand('x', { timeout: 250 });
    h.configureCommand('x', { timeout: 0, max_concurrent_requests: 3 });
    expect(h.getSettings('x').timeout).toBe(DefaultTimeout);
    expect(h.getSettings('x').maxConcurrentRequests).toBe(3);
    h.configure(JSON.parse('{"y": {"timeout": 0, "sleep_window": 0}}') as Record<string, object>);
    expect(h.getSettings('y')).toEqual(defaultSettings);
  });

  it.each([
    ['alone', { timeout: 0 }],
    ['beside camelCase keys', { timeout: 0, maxConcurrentRequests: 3 }],
  ])('timeout 0 %s is a RangeError that says where 0 means the default', (_what, config) => {
    const { h } = manualHystrix();
    expectThrow(() => h.configureCommand('x', config), RangeError, [
      'timeout',
      "'x'",
      'got 0',
      "hystrix-go's JSON form",
    ]);
    expect(h.getCircuitSettings().size).toBe(0);
    expectThrow(() => h.setDefaults(config), RangeError, ['timeout', 'got 0']);
    expect(h.getDefaults()).toEqual(defaultSettings);
    expectThrow(() => h.configure({ x: config }), RangeError, ['timeout']);
    expect(h.getCircuitSettings().size).toBe(0);
  });

  it('treats an undefined field as absent', () => {
    const { h } = manualHystrix();
    h.configureCommand('x', {
      maxConcurrentRequests: undefined,
      max_concurrent_requests: 5,
      timeout: undefined,
    } as unknown as AnyCommandConfig);
    expect(h.getSettings('x')).toEqual({ ...defaultSettings, maxConcurrentRequests: 5 });
  });

  it.each(FIELDS)('accepts the bounds of $key', ({ key, json, min, max }) => {
    const { h } = manualHystrix();
    // A window as long as the maximum is only a whole number of buckets with one bucket.
    const extra: CommandConfig =
      key === 'rollingWindow'
        ? { rollingBuckets: 1 }
        : key === 'latencyWindow'
          ? { latencyBuckets: 1 }
          : {};
    for (const value of [min, max]) {
      h.configureCommand('camel', { ...extra, ...cfg(key, value) });
      expect(h.getSettings('camel')[key]).toBe(value);
      h.configureCommand('json', { ...extra, ...cfg(json, value) });
      expect(h.getSettings('json')[key]).toBe(value);
    }
  });

  it('replaces the earlier configuration: fields left out go back to the defaults', () => {
    const { h } = manualHystrix();
    h.configureCommand('a', { timeout: 100, maxConcurrentRequests: 3, halfOpenProbes: 2 });
    h.configureCommand('a', { sleepWindow: 900 });
    expect(h.getSettings('a')).toEqual({ ...defaultSettings, sleepWindow: 900 });
    h.configureCommand('a', {});
    expect(h.getSettings('a')).toEqual(defaultSettings);
    expect(h.getCircuitSettings().get('a')).toEqual(defaultSettings);
  });

  it('fields left out take the defaults set by setDefaults', () => {
    const { h } = manualHystrix();
    h.setDefaults({ timeout: 250 });
    h.configureCommand('a', { maxConcurrentRequests: 2 });
    expect(h.getSettings('a')).toEqual({
      ...defaultSettings,
      timeout: 250,
      maxConcurrentRequests: 2,
    });
  });

  it('takes effect on a circuit that already exists', async () => {
    const m = manualHystrix();
    const { h } = m;
    const { circuit } = h.getCircuit('a');
    h.configureCommand('a', { timeout: 40, maxConcurrentRequests: 1 });
    expect(circuit.circuitSettings).toEqual(h.getSettings('a'));
    expect(circuit.circuitSettings.timeout).toBe(40);

    // One ticket: a second call is rejected.
    const first = track(h.go('a', never));
    expect(await h.go('a', never)).toBeCircuitError(ErrMaxConcurrency);

    // Replaced by an empty configuration: ten tickets again, the default timeout.
    h.configureCommand('a', {});
    expect(circuit.circuitSettings).toEqual(defaultSettings);
    const second = track(h.go('a', never));
    await flushPromises();
    expect(second.outcome()).toBe('pending');

    // The first call keeps the timeout it started with; the second has the default one.
    m.clock.advance(40);
    await flushPromises();
    expect(first.outcome()).toBeCircuitError(ErrTimeout);
    expect(second.outcome()).toBe('pending');
    m.clock.advance(DefaultTimeout - 40);
    await flushPromises();
    expect(second.outcome()).toBeCircuitError(ErrTimeout);
  });

  it('the new timeout governs the next calls', async () => {
    const m = manualHystrix();
    m.h.configureCommand('t', { timeout: 75 });
    await expectTimeoutAfter(m, 't', 75);
    m.h.configureCommand('t', { timeout: 30 });
    await expectTimeoutAfter(m, 't', 30);
  });
});

describe('configure', () => {
  it('configures several commands from a Map', () => {
    const { h } = manualHystrix();
    h.configure(
      new Map<string, AnyCommandConfig>([
        ['a', { timeout: 10 }],
        ['b', { max_concurrent_requests: 20 }],
        ['__proto__', { sleepWindow: 30 }],
        ['', { requestVolumeThreshold: 40 }],
      ]),
    );
    expect(h.getSettings('a')).toEqual({ ...defaultSettings, timeout: 10 });
    expect(h.getSettings('b')).toEqual({ ...defaultSettings, maxConcurrentRequests: 20 });
    expect(h.getSettings('__proto__')).toEqual({ ...defaultSettings, sleepWindow: 30 });
    expect(h.getSettings('')).toEqual({ ...defaultSettings, requestVolumeThreshold: 40 });
    expect([...h.getCircuitSettings().keys()].sort()).toEqual(['', '__proto__', 'a', 'b']);
  });

  it('configures from parsed JSON; __proto__, constructor and "" are ordinary names', async () => {
    const m = manualHystrix();
    const { h } = m;
    const text = `{
      "__proto__": { "timeout": 111 },
      "constructor": { "max_concurrent_requests": 3 },
      "": { "sleep_window": 222 },
      "hasOwnProperty": { "errorPercentThreshold": 7 },
      "a": { "timeout": 5 }
    }`;
    const parsed = JSON.parse(text) as Record<string, HystrixGoCommandConfig>;
    expect(Object.keys(parsed)).toContain('__proto__');
    h.configure(parsed);

    expect(h.getSettings('__proto__')).toEqual({ ...defaultSettings, timeout: 111 });
    expect(h.getSettings('constructor')).toEqual({ ...defaultSettings, maxConcurrentRequests: 3 });
    expect(h.getSettings('')).toEqual({ ...defaultSettings, sleepWindow: 222 });
    expect(h.getSettings('hasOwnProperty')).toEqual({
      ...defaultSettings,
      errorPercentThreshold: 7,
    });
    expect(h.getSettings('a')).toEqual({ ...defaultSettings, timeout: 5 });
    expect([...h.getCircuitSettings().keys()].sort()).toEqual(
      ['', '__proto__', 'a', 'constructor', 'hasOwnProperty'].sort(),
    );
    // Names inherited by plain objects are not configured.
    expect(h.getSettings('toString')).toEqual(defaultSettings);
    expect(h.getSettings('valueOf')).toEqual(defaultSettings);
    expect(h.getCircuitSettings().has('toString')).toBe(false);
    // Nothing leaked onto Object.prototype.
    expect(({} as Record<string, unknown>)['timeout']).toBeUndefined();
    // The command named __proto__ runs with its own timeout.
    await expectTimeoutAfter(m, '__proto__', 111);
    expect(h.getCircuit('__proto__').circuit.name).toBe('__proto__');
  });

  it('an empty configuration changes nothing', () => {
    const { h } = populated();
    const before = snapshot(h);
    h.configure({});
    h.configure(new Map());
    expectUnchanged(h, before);
  });

  it('replaces the earlier configuration of each command it names, and only those', () => {
    const { h } = manualHystrix();
    h.configure({ a: { timeout: 10, sleepWindow: 20 }, b: { timeout: 30 } });
    h.configure({ a: { maxConcurrentRequests: 2 } });
    expect(h.getSettings('a')).toEqual({ ...defaultSettings, maxConcurrentRequests: 2 });
    expect(h.getSettings('b')).toEqual({ ...defaultSettings, timeout: 30 });
  });
});

describe('setDefaults', () => {
  it('changes the defaults for every command, configured or not, existing circuits included', async () => {
    const m = manualHystrix();
    const { h } = m;
    const existing = h.getCircuit('existing').circuit;
    h.configureCommand('configured', { maxConcurrentRequests: 3 });
    const configured = h.getCircuit('configured').circuit;
    h.configureCommand('configured-no-circuit', { errorPercentThreshold: 5 });

    h.setDefaults({ timeout: 50, sleepWindow: 700 });

    const expected = { ...defaultSettings, timeout: 50, sleepWindow: 700 };
    expect(h.getDefaults()).toEqual(expected);
    expect(h.getSettings('never-seen')).toEqual(expected);
    expect(h.getSettings('existing')).toEqual(expected);
    expect(existing.circuitSettings).toEqual(expected);
    expect(h.getCircuitSettings().get('existing')).toEqual(expected);
    expect(h.getSettings('configured')).toEqual({ ...expected, maxConcurrentRequests: 3 });
    expect(configured.circuitSettings).toEqual({ ...expected, maxConcurrentRequests: 3 });
    expect(h.getCircuitSettings().get('configured-no-circuit')).toEqual({
      ...expected,
      errorPercentThreshold: 5,
    });

    // Behaviour: the new timeout applies to the existing circuit, a configured one and a new one.
    await expectTimeoutAfter(m, 'existing', 50);
    await expectTimeoutAfter(m, 'configured', 50);
    await expectTimeoutAfter(m, 'brand-new', 50);
  });

  it("a command's own configuration wins over the defaults", async () => {
    const m = manualHystrix();
    const { h } = m;
    h.configureCommand('own', { timeout: 200, maxConcurrentRequests: 2 });
    h.getCircuit('own');
    h.setDefaults({ timeout: 50, maxConcurrentRequests: 9, requestVolumeThreshold: 4 });
    expect(h.getSettings('own')).toEqual({
      ...defaultSettings,
      timeout: 200,
      maxConcurrentRequests: 2,
      requestVolumeThreshold: 4,
    });
    expect(h.getCircuit('own').circuit.circuitSettings).toEqual(h.getSettings('own'));
    await expectTimeoutAfter(m, 'own', 200);
  });

  it('accumulates across calls', () => {
    const { h } = manualHystrix();
    h.setDefaults({ timeout: 50 });
    h.setDefaults({ sleep_window: 700 });
    h.setDefaults({ maxConcurrentRequests: 4 });
    expect(h.getDefaults()).toEqual({
      ...defaultSettings,
      timeout: 50,
      sleepWindow: 700,
      maxConcurrentRequests: 4,
    });
    h.setDefaults({ timeout: 80 });
    expect(h.getDefaults()).toEqual({
      ...defaultSettings,
      timeout: 80,
      sleepWindow: 700,
      maxConcurrentRequests: 4,
    });
    h.setDefaults({});
    expect(h.getDefaults().timeout).toBe(80);
  });

  it('a window set in one call and its buckets in another are checked together', () => {
    const { h } = manualHystrix();
    h.setDefaults({ rollingWindow: 12_000 });
    h.setDefaults({ rollingBuckets: 12 });
    expect(h.getDefaults()).toEqual({
      ...defaultSettings,
      rollingWindow: 12_000,
      rollingBuckets: 12,
    });
    const before = snapshot(h);
    expectThrow(() => h.setDefaults({ rollingBuckets: 7 }), RangeError, ['rollingWindow']);
    expectUnchanged(h, before);
  });

  it('is independent between registries', () => {
    const a = manualHystrix();
    const b = manualHystrix();
    a.h.setDefaults({ timeout: 5 });
    expect(b.h.getDefaults()).toEqual(defaultSettings);
  });
});

describe('new Hystrix({ defaults })', () => {
  it('starts with the given defaults', async () => {
    const m = manualHystrix({ defaults: { timeout: 123, max_concurrent_requests: 2 } });
    const expected = { ...defaultSettings, timeout: 123, maxConcurrentRequests: 2 };
    expect(m.h.getDefaults()).toEqual(expected);
    expect(m.h.getSettings('x')).toEqual(expected);
    await expectTimeoutAfter(m, 'x', 123);
  });

  it('setDefaults adds to them', () => {
    const { h } = manualHystrix({ defaults: { timeout: 123 } });
    h.setDefaults({ sleepWindow: 9 });
    expect(h.getDefaults()).toEqual({ ...defaultSettings, timeout: 123, sleepWindow: 9 });
  });

  it('rejects bad defaults', () => {
    const clock = new ManualClock();
    expectThrow(() => new Hystrix({ clock, defaults: cfg('timout', 1) }), TypeError, ['timout']);
    expectThrow(() => new Hystrix({ clock, defaults: cfg('timeout', -1) }), RangeError, [
      'timeout',
    ]);
    expectThrow(() => new Hystrix({ clock, defaults: [] as never }), TypeError);
    expectThrow(() => new Hystrix({ clock, defaults: { rollingBuckets: 3 } }), RangeError, [
      'rollingWindow',
    ]);
  });
});

describe('bad values', () => {
  const BAD: readonly [string, unknown, typeof TypeError | typeof RangeError][] = [
    ['a string', 'x', TypeError],
    ['a numeric string', '10', TypeError],
    ['null', null, TypeError],
    ['an object', { value: 10 }, TypeError],
    ['an array', [10], TypeError],
    ['a boolean', true, TypeError],
    ['a bigint', 10n, TypeError],
    ['NaN', Number.NaN, RangeError],
    ['Infinity', Number.POSITIVE_INFINITY, RangeError],
    ['-Infinity', Number.NEGATIVE_INFINITY, RangeError],
    ['-1', -1, RangeError],
    ['1.5', 1.5, RangeError],
  ];

  const KEYS = FIELDS.flatMap((f) =>
    f.key === f.json
      ? [{ key: f.key, field: f }]
      : [
          { key: f.key, field: f },
          { key: f.json, field: f },
        ],
  );

  describe.each(KEYS)('$key', ({ key, field }) => {
    const cases: [string, unknown, typeof TypeError | typeof RangeError][] = [
      ...BAD,
      [`above the maximum (${field.max + 1})`, field.max + 1, RangeError],
    ];
    it.each(cases)('%s: rejected everywhere, with nothing changed', (_label, value, kind) => {
      const { h } = populated();
      const before = snapshot(h);
      const bad = cfg(key, value);

      let e = expectThrow(() => h.configureCommand('cmd-x', bad), kind, [key, "'cmd-x'"]);
      expect(e.message).not.toMatch(/unknown key/);
      expectUnchanged(h, before);

      // An existing, configured command keeps its configuration.
      expectThrow(() => h.configureCommand('a', bad), kind, [key, "'a'"]);
      expectUnchanged(h, before);

      e = expectThrow(() => h.configure({ good: { timeout: 5 }, 'cmd-y': bad }), kind, [
        key,
        "'cmd-y'",
      ]);
      expect(e.message).not.toMatch(/unknown key/);
      expect(h.getSettings('good')).toEqual(h.getDefaults());
      expectUnchanged(h, before);

      expectThrow(() => h.setDefaults(bad), kind, [key, 'setDefaults']);
      expectUnchanged(h, before);

      expectThrow(() => new Hystrix({ clock: new ManualClock(), defaults: bad }), kind, [key]);
    });
  });
});

describe('unknown and conflicting keys', () => {
  it.each(['timout', 'Timeout', 'maxConcurrent', 'max_concurrent', 'sleepwindow', 'foo'])(
    'an unknown key %s is a TypeError naming it, everywhere, with nothing changed',
    (key) => {
      const { h } = populated();
      const before = snapshot(h);
      expectThrow(() => h.configureCommand('cmd', cfg(key, 5)), TypeError, [`'${key}'`, "'cmd'"]);
      expectUnchanged(h, before);
      expectThrow(() => h.configure({ ok: {}, cmd: cfg(key, 5) }), TypeError, [`'${key}'`]);
      expectUnchanged(h, before);
      expectThrow(() => h.setDefaults(cfg(key, 5)), TypeError, [`'${key}'`]);
      expectUnchanged(h, before);
    },
  );

  it('an unknown key is rejected even when its value is undefined', () => {
    const { h } = manualHystrix();
    expectThrow(() => h.configureCommand('cmd', cfg('timout', undefined)), TypeError, ['timout']);
    expect(h.getCircuitSettings().size).toBe(0);
  });

  it('a __proto__ key inside a parsed configuration is an unknown key', () => {
    const { h } = manualHystrix();
    const config = JSON.parse('{"__proto__": {"timeout": 5}}') as AnyCommandConfig;
    expectThrow(() => h.configureCommand('cmd', config), TypeError, ["'__proto__'"]);
    expect(h.getCircuitSettings().size).toBe(0);
  });

  it.each(FIELDS.filter((f) => f.key !== f.json))(
    'both $key and $json set is a TypeError naming both',
    ({ key, json }) => {
      const { h } = populated();
      const before = snapshot(h);
      for (const [a, b] of [
        [5, 5],
        [5, 6],
        [5, 0],
      ] as const) {
        const both = { [key]: a, [json]: b } as unknown as AnyCommandConfig;
        expectThrow(() => h.configureCommand('cmd', both), TypeError, [key, json, "'cmd'"]);
        expectThrow(() => h.setDefaults(both), TypeError, [key, json]);
        expectThrow(() => h.configure({ cmd: both }), TypeError, [key, json]);
        expectUnchanged(h, before);
      }
    },
  );
});

describe('windows', () => {
  it.each<[string, AnyCommandConfig, string]>([
    ['rollingWindow 10001 with 10 buckets', { rollingWindow: 10_001 }, 'rollingWindow'],
    ['rolling_window 10001 with 10 buckets', { rolling_window: 10_001 }, 'rollingWindow'],
    ['rollingBuckets 3 of 10000 ms', { rollingBuckets: 3 }, 'rollingWindow'],
    ['rollingWindow 5 with 10 buckets', { rollingWindow: 5, rollingBuckets: 10 }, 'rollingWindow'],
    ['latencyWindow 60001 with 6 buckets', { latencyWindow: 60_001 }, 'latencyWindow'],
    ['latencyBuckets 7 of 60000 ms', { latencyBuckets: 7 }, 'latencyWindow'],
    ['latency_buckets 7 of 60000 ms', { latency_buckets: 7 }, 'latencyWindow'],
  ])('%s is a RangeError, with nothing changed', (_label, config, window) => {
    const { h } = populated();
    const before = snapshot(h);
    expectThrow(() => h.configureCommand('cmd', config), RangeError, [window, "'cmd'"]);
    expectUnchanged(h, before);
    expectThrow(() => h.configure({ ok: { timeout: 3 }, cmd: config }), RangeError, [
      window,
      "'cmd'",
    ]);
    expectUnchanged(h, before);
    expectThrow(() => h.setDefaults(config), RangeError, [window]);
    expectUnchanged(h, before);
  });

  it('a window that is a whole number of buckets is accepted', () => {
    const { h } = manualHystrix();
    h.configureCommand('cmd', {
      rollingWindow: 3000,
      rollingBuckets: 3,
      latencyWindow: 7,
      latencyBuckets: 7,
    });
    expect(h.getSettings('cmd')).toMatchObject({
      rollingWindow: 3000,
      rollingBuckets: 3,
      latencyWindow: 7,
      latencyBuckets: 7,
    });
  });

  it.each<[string, AnyCommandConfig, AnyCommandConfig, string]>([
    ['rollingBuckets', { rollingWindow: 5010 }, { rollingBuckets: 4 }, 'rollingWindow'],
    ['rollingWindow', { rollingBuckets: 20 }, { rollingWindow: 10_010 }, 'rollingWindow'],
    ['latencyBuckets', { latencyWindow: 60_006 }, { latencyBuckets: 5 }, 'latencyWindow'],
    ['latency_window', { latencyBuckets: 12 }, { latency_window: 60_006 }, 'latencyWindow'],
  ])(
    'setDefaults of %s that would break a configured command is a RangeError naming it',
    (_label, own, defaults, window) => {
      const { h } = populated();
      h.configureCommand('w', own);
      h.getCircuit('w');
      // The new defaults are consistent on their own.
      expect(() => manualHystrix({ defaults })).not.toThrow();
      const before = snapshot(h);
      expectThrow(() => h.setDefaults(defaults), RangeError, [window, "'w'"]);
      expectUnchanged(h, before);
      expect(h.getCircuit('w').circuit.circuitSettings).toEqual(h.getSettings('w'));
    },
  );
});

describe('bad shapes', () => {
  const NOT_OBJECTS: readonly [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['a number', 5],
    ['a string', 'timeout'],
    ['a boolean', true],
    ['an array', [{ timeout: 5 }]],
    ['a function', () => ({ timeout: 5 })],
  ];

  it.each(NOT_OBJECTS)('a config that is %s is a TypeError, with nothing changed', (_l, value) => {
    const { h } = populated();
    const before = snapshot(h);
    expectThrow(() => h.configureCommand('cmd', value as never), TypeError, ["'cmd'"]);
    expectUnchanged(h, before);
    expectThrow(() => h.configure({ ok: {}, cmd: value as never }), TypeError, ["'cmd'"]);
    expectUnchanged(h, before);
    expectThrow(() => h.setDefaults(value as never), TypeError);
    expectUnchanged(h, before);
  });

  it.each(NOT_OBJECTS)('configure(%s) is a TypeError, with nothing changed', (_l, value) => {
    const { h } = populated();
    const before = snapshot(h);
    expectThrow(() => h.configure(value as never), TypeError);
    expectUnchanged(h, before);
  });

  it.each<[string, unknown]>([
    ['a number', 5],
    ['null', null],
    ['undefined', undefined],
    ['a symbol', Symbol('cmd')],
    ['an object', { name: 'cmd' }],
  ])('a name that is %s is a TypeError, with nothing changed', (_l, name) => {
    const { h } = populated();
    const before = snapshot(h);
    expectThrow(() => h.configureCommand(name as never, { timeout: 5 }), TypeError);
    expectThrow(() => h.getSettings(name as never), TypeError);
    expectThrow(() => h.getCircuit(name as never), TypeError);
    expectThrow(
      () =>
        h.configure(
          new Map<unknown, AnyCommandConfig>([
            ['ok', {}],
            [name, {}],
          ]) as never,
        ),
      TypeError,
    );
    expectUnchanged(h, before);
  });
});

describe('atomic configure', () => {
  it.each<[string, AnyCommandConfig]>([
    ['a bad value', { timeout: -1 }],
    ['a wrong type', cfg('timeout', '5')],
    ['an unknown key', cfg('timout', 5)],
    ['an inconsistent window', { rollingBuckets: 3 }],
    ['both spellings', { maxConcurrentRequests: 2, max_concurrent_requests: 2 }],
  ])('one entry with %s among good ones applies nothing', (_label, bad) => {
    const { h } = populated();
    const before = snapshot(h);
    for (const order of [
      ['first', 'a', 'bad'],
      ['a', 'bad', 'last'],
      ['a', 'c', 'bad'],
    ]) {
      const entries = order.map((name): [string, AnyCommandConfig] => [
        name,
        name === 'bad' ? bad : { timeout: 42, sleepWindow: 43 },
      ]);
      expect(() => h.configure(Object.fromEntries(entries))).toThrow();
      expectUnchanged(h, before);
      expect(() => h.configure(new Map(entries))).toThrow();
      expectUnchanged(h, before);
      expect(h.getSettings('first')).toEqual(h.getDefaults());
      expect(h.getSettings('last')).toEqual(h.getDefaults());
    }
  });
});

describe('argument checks of the constructor', () => {
  it.each<[string, unknown]>([
    ['null options', null],
    ['string options', 'fast'],
    ['a clock without methods', { clock: {} }],
    ['a clock without setTimeout', { clock: { now: () => 0, clearTimeout: () => undefined } }],
    ['a clock without clearTimeout', { clock: { now: () => 0, setTimeout: () => undefined } }],
    ['a clock without now', { clock: { setTimeout: () => 0, clearTimeout: () => 0 } }],
    ['a null clock', { clock: null }],
    ['a number clock', { clock: 5 }],
    ['a logger without info/error', { logger: {} }],
    ['a logger without error', { logger: { info: () => undefined } }],
    ['a logger without info', { logger: { error: () => undefined } }],
    ['a null logger', { logger: null }],
    ['console.log as logger', { logger: () => undefined }],
  ])('%s is a TypeError', (_label, options) => {
    expectThrow(() => new Hystrix(options as never), TypeError);
  });

  it('accepts a complete clock and logger', () => {
    const clock = new ManualClock(5);
    const h = new Hystrix({ clock, logger: { info: () => undefined, error: () => undefined } });
    expect(h.clock).toBe(clock);
  });
});

describe('argument checks of do and go', () => {
  const run = (): number => 1;
  const BAD_CALLS: readonly [string, (h: Hystrix, method: 'do' | 'go') => unknown][] = [
    ['a number name', (h, m) => h[m](42 as never, run)],
    ['a null name', (h, m) => h[m](null as never, run)],
    ['an undefined name', (h, m) => h[m](undefined as never, run)],
    ['an object name', (h, m) => h[m]({ name: 'x' } as never, run)],
    ['a symbol name', (h, m) => h[m](Symbol('x') as never, run)],
    ['a missing run', (h, m) => h[m]('x', undefined as never)],
    ['a null run', (h, m) => h[m]('x', null as never)],
    ['a string run', (h, m) => h[m]('x', 'run' as never)],
    ['an object run', (h, m) => h[m]('x', { run } as never)],
    ['a string fallback', (h, m) => h[m]('x', run, 'fallback' as never)],
    ['a number fallback', (h, m) => h[m]('x', run, 1 as never)],
    ['an object fallback', (h, m) => h[m]('x', run, {} as never)],
    ['null options', (h, m) => h[m]('x', run, undefined, null as never)],
    ['string options', (h, m) => h[m]('x', run, undefined, 'signal' as never)],
    ['number options', (h, m) => h[m]('x', run, undefined, 5 as never)],
    ['a string signal', (h, m) => h[m]('x', run, undefined, { signal: 'x' as never })],
    ['a null signal', (h, m) => h[m]('x', run, undefined, { signal: null as never })],
    ['an object signal', (h, m) => h[m]('x', run, undefined, { signal: {} as never })],
    [
      'an AbortController as signal',
      (h, m) => h[m]('x', run, undefined, { signal: new AbortController() as never }),
    ],
  ];

  describe.each(['do', 'go'] as const)('%s', (method) => {
    it.each(BAD_CALLS)('%s throws a TypeError synchronously and creates no circuit', (_l, call) => {
      const { h } = manualHystrix();
      expectThrow(() => call(h, method), TypeError);
      expect(h.getCircuits()).toEqual([]);
      expect(h.getCircuitSettings().size).toBe(0);
    });

    it('a null or undefined fallback and options without a signal are fine', async () => {
      const { h } = manualHystrix();
      await h[method]('x', run, null, {});
      await h[method]('x', run, undefined, { signal: undefined });
      await h[method]('x', run, undefined, { signal: new AbortController().signal });
      expect(h.getCircuits().map((c) => c.name)).toEqual(['x']);
    });
  });

  it('doC and goC check their signal synchronously', () => {
    const { h } = manualHystrix();
    expectThrow(() => h.doC({} as never, 'x', run), TypeError);
    expectThrow(() => h.goC(null as never, 'x', run), TypeError);
    expectThrow(() => h.doC(new AbortController().signal, 5 as never, run), TypeError);
    expect(h.getCircuits()).toEqual([]);
  });
});
