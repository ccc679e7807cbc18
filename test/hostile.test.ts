/**
 * Bad input from every door: configurations read from JSON text, command names, the arguments of do/go, the
 * caller's signal and its abort reason, collectors and loggers, a clock that returns garbage now and then, and
 * the stream handler over a real socket. Each attack must get a clear error or a bounded answer, and after each
 * one the registry must still work (a normal call, and its stats).
 */
import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import {
  type AnyCommandConfig,
  type Clock,
  type ClockTimer,
  ContextError,
  defaultSettings,
  ErrCircuitOpen,
  ErrMaxConcurrency,
  ErrTimeout,
  FallbackError,
  Hystrix,
  isContextCanceled,
  isContextDeadlineExceeded,
  type Logger,
  ManualClock,
  type MetricCollector,
  type MetricCollectorFactory,
  type MetricResult,
  type RunContext,
  type Settings,
} from '../src/index.js';
import { HystrixStream, startStreamServer, type StreamServer } from '../src/stream/index.js';
import { failOnUnhandled, flushPromises, manualHystrix, untilAborted } from './helpers.js';

failOnUnhandled();

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

type ErrorKind = typeof TypeError | typeof RangeError;

/** An object whose every trap throws: reading, probing or listing it throws `trap`. */
function throwingProxy(): object {
  const handler = new Proxy(
    {},
    {
      get: () => () => {
        throw new Error('trap');
      },
    },
  );
  return new Proxy({}, handler);
}

/** A function whose every trap throws, calling it included. */
function throwingProxyFunction(): () => unknown {
  const handler = new Proxy(
    {},
    {
      get: () => () => {
        throw new Error('trap');
      },
    },
  );
  return new Proxy(() => undefined, handler);
}

/** A revoked proxy: any operation on it throws a TypeError. */
function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** Runs `fn`, which must throw synchronously, and returns what it threw. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error: unknown) {
    return error;
  }
  throw new Error('expected a synchronous throw, but the call returned');
}

/** Expects `fn` to throw `kind` synchronously, with a message naming every one of `words`. */
function expectClearError(fn: () => unknown, kind: ErrorKind, words: readonly string[]): void {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(kind);
  const { message } = error as Error;
  for (const word of words) expect(message).toContain(word);
}

let probes = 0;

/** The registry still works: a success and a failure are counted, and no ticket is left behind. */
async function expectStillWorks(h: Hystrix): Promise<void> {
  const name = `still-works-${probes++}`;
  expect(await h.do(name, () => 'ok')).toBe('ok');
  const failed = await h.go(name, () => Promise.reject(new Error('boom')));
  expect((failed as Error).message).toBe('boom');
  const s = h.getCircuit(name).circuit.stats();
  expect([s.requests, s.successes, s.failures, s.errors, s.activeCount]).toEqual([2, 1, 1, 1, 0]);
}

interface Snapshot {
  defaults: Settings;
  settings: [string, Settings][];
}

function snapshot(h: Hystrix): Snapshot {
  return {
    defaults: { ...h.getDefaults() },
    settings: [...h.getCircuitSettings()].map(([name, s]) => [name, { ...s }]),
  };
}

const PROTOTYPE_KEYS = Reflect.ownKeys(Object.prototype);

/** Nothing was added to, or changed on, Object.prototype. */
function expectPrototypeClean(): void {
  expect(Reflect.ownKeys(Object.prototype)).toEqual(PROTOTYPE_KEYS);
  const probe: Record<string, unknown> = {};
  for (const key of ['timeout', 'sleep_window', 'max_concurrent_requests', 'polluted', 'x']) {
    expect(probe[key], key).toBeUndefined();
  }
  expect(Object.getPrototypeOf(probe)).toBe(Object.prototype);
}

/** What one call did: a synchronous throw, or how often (and with what) its promise settled. */
interface CallRecord {
  threw: boolean;
  thrown: unknown;
  settled: number;
  value: unknown;
  rejected: boolean;
}

/** Starts a call through `start`, recording everything it does; never throws. */
function record(start: () => Promise<unknown>): CallRecord {
  const r: CallRecord = {
    threw: false,
    thrown: undefined,
    settled: 0,
    value: undefined,
    rejected: false,
  };
  try {
    start().then(
      (value) => {
        r.settled++;
        r.value = value;
      },
      (error: unknown) => {
        r.settled++;
        r.value = error;
        r.rejected = true;
      },
    );
  } catch (error: unknown) {
    r.threw = true;
    r.thrown = error;
  }
  return r;
}

/** Lets a call on a manual clock run to its end: promise callbacks, then time, a bounded number of times. */
async function settle(
  clock: ManualClock,
  records: readonly CallRecord[],
  ms = 1000,
): Promise<void> {
  for (let i = 0; i < 20 && records.some((r) => !r.threw && r.settled === 0); i++) {
    await flushPromises();
    clock.advance(ms);
  }
  await flushPromises();
}

// ---------------------------------------------------------------------------------------------
// 1. Configurations read from JSON text
// ---------------------------------------------------------------------------------------------

describe('configurations read from JSON text', () => {
  const BAD: readonly { label: string; text: string; kind: ErrorKind; words: string[] }[] = [
    {
      label: 'an unknown key',
      text: '{"timeout": 5, "retries": 3}',
      kind: TypeError,
      words: ["unknown key 'retries'", 'known keys: timeout', 'max_concurrent_requests'],
    },
    {
      label: 'a nested object',
      text: '{"timeout": {"ms": 5}}',
      kind: TypeError,
      words: ['timeout must be a number, got object'],
    },
    {
      label: 'a deeply nested object',
      text: '{"sleep_window": {"a": {"b": {"c": [1, {"d": 2}]}}}}',
      kind: TypeError,
      words: ['sleep_window must be a number, got object'],
    },
    {
      label: 'an array value',
      text: '{"max_concurrent_requests": [5]}',
      kind: TypeError,
      words: ['max_concurrent_requests must be a number, got an array'],
    },
    {
      label: 'a numeric string',
      text: '{"max_concurrent_requests": "10"}',
      kind: TypeError,
      words: ['max_concurrent_requests must be a number, got the string "10"'],
    },
    {
      label: 'a numeric string with an exponent',
      text: '{"timeout": "1e3"}',
      kind: TypeError,
      words: ['timeout must be a number, got the string "1e3"'],
    },
    {
      label: 'null',
      text: '{"errorPercentThreshold": null}',
      kind: TypeError,
      words: ['errorPercentThreshold must be a number, got null'],
    },
    {
      label: 'a boolean',
      text: '{"halfOpenProbes": true}',
      kind: TypeError,
      words: ['halfOpenProbes must be a number, got boolean'],
    },
    {
      label: '1e308',
      text: '{"timeout": 1e308}',
      kind: RangeError,
      words: ['timeout must be an integer from 1 to 2147483647, got 1e+308'],
    },
    {
      label: '1e400, which JSON.parse reads as Infinity',
      text: '{"request_volume_threshold": 1e400}',
      kind: RangeError,
      words: ['request_volume_threshold must be an integer', 'got Infinity'],
    },
    {
      label: '2**53 (one above the largest safe integer)',
      text: `{"max_concurrent_requests": ${2 ** 53}}`,
      kind: RangeError,
      words: ['max_concurrent_requests must be an integer from 1 to 9007199254740991'],
    },
    {
      label: '2**53 under a camelCase key',
      text: `{"halfOpenProbes": ${2 ** 53}}`,
      kind: RangeError,
      words: ['halfOpenProbes must be an integer from 1 to 9007199254740991'],
    },
    {
      label: 'a delay one above what a timer takes',
      text: '{"sleepWindow": 2147483648}',
      kind: RangeError,
      words: ['sleepWindow must be an integer from 1 to 2147483647, got 2147483648'],
    },
    {
      label: 'negative zero under a camelCase key',
      text: '{"sleepWindow": -0}',
      kind: RangeError,
      words: ['sleepWindow must be an integer from 1 to 2147483647'],
    },
    {
      label: 'a negative number',
      text: '{"fallback_timeout": -1}',
      kind: RangeError,
      words: ['fallback_timeout must be an integer from 1 to 2147483647, got -1'],
    },
    {
      label: 'a __proto__ key',
      text: '{"__proto__": {"timeout": 5}}',
      kind: TypeError,
      words: ["unknown key '__proto__'"],
    },
    {
      label: 'a __proto__ key beside good ones',
      text: '{"timeout": 5, "__proto__": {"polluted": "yes"}, "sleep_window": 5}',
      kind: TypeError,
      words: ["unknown key '__proto__'"],
    },
    {
      label: 'a constructor key',
      text: '{"constructor": {"prototype": {"polluted": "yes"}}}',
      kind: TypeError,
      words: ["unknown key 'constructor'"],
    },
    {
      label: 'a prototype key',
      text: '{"prototype": {"timeout": 5}}',
      kind: TypeError,
      words: ["unknown key 'prototype'"],
    },
    {
      label: 'a toString key',
      text: '{"toString": 5}',
      kind: TypeError,
      words: ["unknown key 'toString'"],
    },
    {
      label: 'an array as the configuration',
      text: '[{"timeout": 5}]',
      kind: TypeError,
      words: ['must be a plain object, got an array'],
    },
    {
      label: 'a string as the configuration',
      text: '"timeout"',
      kind: TypeError,
      words: ['must be a plain object, got the string "timeout"'],
    },
    {
      label: 'null as the configuration',
      text: 'null',
      kind: TypeError,
      words: ['must be a plain object, got null'],
    },
    {
      label: 'a number as the configuration',
      text: '1000',
      kind: TypeError,
      words: ['must be a plain object, got number'],
    },
  ];

  test.each(BAD)(
    '$label: refused at every door with a clear error, nothing changed, nothing polluted',
    async ({ text, kind, words }) => {
      const { h } = manualHystrix();
      h.configureCommand('kept', { timeout: 77 });
      h.getCircuit('kept');
      const before = snapshot(h);
      const parsed = JSON.parse(text) as AnyCommandConfig;

      expectClearError(() => h.configureCommand('cmd', parsed), kind, [...words, "'cmd'"]);
      expectClearError(() => h.configureCommand('kept', parsed), kind, [...words, "'kept'"]);
      const whole = JSON.parse(`{"good": {"timeout": 5}, "cmd": ${text}}`) as Record<
        string,
        AnyCommandConfig
      >;
      expectClearError(() => h.configure(whole), kind, [...words, "'cmd'"]);
      expectClearError(() => h.configure(new Map(Object.entries(whole))), kind, words);
      expectClearError(() => h.setDefaults(parsed), kind, [...words, 'setDefaults']);
      expectClearError(() => new Hystrix({ clock: new ManualClock(), defaults: parsed }), kind, [
        ...words,
      ]);

      expect(snapshot(h)).toEqual(before);
      expect(h.getSettings('good')).toEqual(defaultSettings);
      expect(h.getSettings('kept').timeout).toBe(77);
      expectPrototypeClean();
      await expectStillWorks(h);
    },
  );

  test('values at the edges are taken as they are: 2**53 - 1, -0 under a hystrix-go key', async () => {
    const { h } = manualHystrix();
    const text = `{
      "edge": {"max_concurrent_requests": ${2 ** 53 - 1}, "requestVolumeThreshold": ${2 ** 53 - 1}},
      "zero": {"sleep_window": -0, "timeout": -0, "errorPercentThreshold": 100}
    }`;
    h.configure(JSON.parse(text) as Record<string, AnyCommandConfig>);
    expect(h.getSettings('edge').maxConcurrentRequests).toBe(Number.MAX_SAFE_INTEGER);
    // hystrix-go reads a JSON zero as "the default"; -0 is a zero.
    expect(h.getSettings('zero')).toEqual({ ...defaultSettings, errorPercentThreshold: 100 });
    for (let i = 0; i < 30; i++) await h.go('edge', () => Promise.reject(new Error('x')));
    // A volume threshold of 2**53 - 1 is never reached: the circuit stays closed.
    const s = h.getCircuit('edge').circuit.stats();
    expect([s.state, s.requests, s.failures, s.maxConcurrentRequests]).toEqual([
      'closed',
      30,
      30,
      Number.MAX_SAFE_INTEGER,
    ]);
    await expectStillWorks(h);
  });

  test('__proto__, constructor and prototype as command names at the top level are ordinary names', async () => {
    const m = manualHystrix();
    const { h, clock } = m;
    const text = `{
      "__proto__": {"timeout": 111, "max_concurrent_requests": 0},
      "constructor": {"sleep_window": 222},
      "prototype": {"max_concurrent_requests": 2},
      "__defineGetter__": {"timeout": 333}
    }`;
    const parsed = JSON.parse(text) as Record<string, AnyCommandConfig>;
    expect(Object.keys(parsed)).toEqual([
      '__proto__',
      'constructor',
      'prototype',
      '__defineGetter__',
    ]);
    h.configure(parsed);
    expectPrototypeClean();
    expect(h.getSettings('__proto__')).toEqual({ ...defaultSettings, timeout: 111 });
    expect(h.getSettings('constructor')).toEqual({ ...defaultSettings, sleepWindow: 222 });
    expect(h.getSettings('prototype')).toEqual({ ...defaultSettings, maxConcurrentRequests: 2 });
    expect(h.getSettings('__defineGetter__').timeout).toBe(333);
    // Inherited names of a plain object are not configured by accident.
    for (const name of ['toString', 'valueOf', 'hasOwnProperty', '__lookupGetter__']) {
      expect(h.getSettings(name)).toEqual(defaultSettings);
    }

    // Each name runs as a command with its own settings.
    for (const name of ['__proto__', 'constructor', 'prototype', '__defineGetter__']) {
      expect(await h.do(name, () => name)).toBe(name);
    }
    const hung = record(() => h.go('__proto__', untilAborted));
    clock.advance(110);
    await flushPromises();
    expect(hung.settled).toBe(0);
    clock.advance(1);
    await flushPromises();
    expect(hung.value).toBeCircuitError(ErrTimeout);
    const a = record(() => h.go('prototype', untilAborted));
    const b = record(() => h.go('prototype', untilAborted));
    expect(await h.go('prototype', () => 1)).toBeCircuitError(ErrMaxConcurrency);
    clock.advance(1000);
    await flushPromises();
    expect([a.settled, b.settled]).toEqual([1, 1]);
    expect(h.getCircuit('__proto__').circuit.stats().timeouts).toBe(1);
    expect(h.getCircuits().map((c) => c.name)).toEqual([
      '__proto__',
      'constructor',
      'prototype',
      '__defineGetter__',
    ]);
    expectPrototypeClean();
    await expectStillWorks(h);
  });

  test.each([
    ['__proto__ inside __proto__', '{"__proto__": {"__proto__": {"timeout": 1}}}', "'__proto__'"],
    [
      'prototype inside constructor',
      '{"constructor": {"prototype": {"polluted": 1}}}',
      "'prototype'",
    ],
    ['constructor inside prototype', '{"prototype": {"constructor": 5}}', "'constructor'"],
    [
      'a pollution payload',
      '{"ok": {"timeout": 5}, "__proto__": {"polluted": "yes"}}',
      "'polluted'",
    ],
  ])(
    '%s at the second level is an unknown key; nothing applied, nothing polluted',
    async (_l, text, key) => {
      const { h } = manualHystrix();
      const before = snapshot(h);
      const parsed = JSON.parse(text) as Record<string, AnyCommandConfig>;
      expectClearError(() => h.configure(parsed), TypeError, [`unknown key ${key}`]);
      expectClearError(() => h.setDefaults(parsed), TypeError, ['unknown key']);
      expect(snapshot(h)).toEqual(before);
      expect(h.getSettings('ok')).toEqual(defaultSettings);
      expectPrototypeClean();
      await expectStillWorks(h);
    },
  );

  test.each([
    ['an array', '[{"a": {"timeout": 5}}]'],
    ['a string', '"a"'],
    ['null', 'null'],
    ['a number', '5'],
  ])('%s as the whole configuration is a TypeError', async (_l, text) => {
    const { h } = manualHystrix();
    expectClearError(() => h.configure(JSON.parse(text) as never), TypeError, [
      'configure(commands): commands must be a Map or an object',
    ]);
    expect(h.getCircuitSettings().size).toBe(0);
    await expectStillWorks(h);
  });

  test('10,000 commands in one text are all configured; one bad entry at the end applies none', async () => {
    const { h } = manualHystrix();
    const entries = Array.from({ length: 10_000 }, (_, i) => `"cmd-${i}": {"timeout": ${i + 1}}`);
    h.configure(JSON.parse(`{${entries.join(',')}}`) as Record<string, AnyCommandConfig>);
    expect(h.getCircuitSettings().size).toBe(10_000);
    expect(h.getSettings('cmd-9999').timeout).toBe(10_000);
    const bad = `{${entries.map((e) => e.replace('"cmd-', '"other-')).join(',')}, "last": {"timeout": -5}}`;
    expectClearError(
      () => h.configure(JSON.parse(bad) as Record<string, AnyCommandConfig>),
      RangeError,
      ["'last'", 'timeout must be an integer', 'got -5'],
    );
    expect(h.getCircuitSettings().size).toBe(10_000);
    expect(h.getSettings('other-0')).toEqual(defaultSettings);
    await expectStillWorks(h);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Names
// ---------------------------------------------------------------------------------------------

describe('names', () => {
  const NAMES: readonly [string, string][] = [
    ['a 1 MB string', 'n'.repeat(1 << 20)],
    ['a lone high surrogate', '\uD800'],
    ['a lone low surrogate inside text', 'a\uDC00b'],
    ['surrogates in the wrong order', '\uDC00\uD800'],
    ['a NUL', '\u0000'],
    ['a NUL inside text', 'cmd\u0000evil'],
    ['control characters and a BOM', '\u0001\u001f\u007f\uFEFF\u2028'],
  ];

  test.each(NAMES)('%s is a name like any other', async (_label, name) => {
    const m = manualHystrix();
    const { h, clock } = m;
    expect(await h.do(name, () => 'value')).toBe('value');
    expect(await h.go(name, () => Promise.reject(new Error('down')))).toBeInstanceOf(Error);
    const { circuit, created } = h.getCircuit(name);
    expect(created).toBe(false);
    expect(circuit.name).toBe(name);
    expect(circuit.name.length).toBe(name.length);
    const s = circuit.stats();
    expect([s.name === name, s.requests, s.successes, s.failures]).toEqual([true, 2, 1, 1]);

    // A name that differs only after the NUL, or by a surrogate half, is another circuit.
    const cut = name.split('\u0000')[0]!;
    if (cut !== name) expect(h.getCircuit(cut).created).toBe(true);
    expect(h.getCircuit(`${name}\uD800`).created).toBe(true);

    // Its configuration applies to it, and errors about it stay readable and bounded.
    h.configureCommand(name, { timeout: 7 });
    expect(circuit.circuitSettings.timeout).toBe(7);
    const hung = record(() => h.go(name, untilAborted));
    clock.advance(7);
    await flushPromises();
    expect(hung.value).toBeCircuitError(ErrTimeout);
    const error = thrownBy(() => h.configureCommand(name, { timeout: -1 })) as Error;
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toContain(name);
    expect(error.message.length).toBeLessThan(name.length + 200);
    expect(circuit.circuitSettings.timeout).toBe(7);
    await expectStillWorks(h);
  });
});

// ---------------------------------------------------------------------------------------------
// 3. run, fallback and options of every wrong type
// ---------------------------------------------------------------------------------------------

describe('run, fallback and options of every wrong type', () => {
  const run = (): number => 1;
  const signal = (): AbortSignal => new AbortController().signal;
  type Call = (h: Hystrix, method: 'do' | 'go') => unknown;
  const call =
    (name: unknown, r: unknown, fallback?: unknown, options?: unknown): Call =>
    (h, method) =>
      (h[method] as unknown as (...args: unknown[]) => unknown).call(h, name, r, fallback, options);
  const withSignal = (s: unknown): Call => call('x', run, undefined, { signal: s });

  const TYPE_ERRORS: readonly [string, Call, string][] = [
    ['a String object as name', call(new String('x'), run), 'name must be a string'],
    ['a bigint name', call(10n, run), 'name must be a string, got bigint'],
    ['an array name', call(['x'], run), 'name must be a string, got object'],
    ['a function name', call(() => 'x', run), 'name must be a string, got function'],
    ['a throwing proxy as name', call(throwingProxy(), run), 'name must be a string'],
    ['a symbol run', call('x', Symbol('run')), 'run must be a function, got symbol'],
    ['a bigint run', call('x', 10n), 'run must be a function, got bigint'],
    ['a boolean run', call('x', true), 'run must be a function, got boolean'],
    ['an array of run', call('x', [run]), 'run must be a function, got object'],
    ['a throwing proxy as run', call('x', throwingProxy()), 'run must be a function, got object'],
    ['a boolean fallback', call('x', run, true), 'fallback must be a function or undefined'],
    ['a symbol fallback', call('x', run, Symbol('fb')), 'fallback must be a function'],
    ['a bigint fallback', call('x', run, 1n), 'fallback must be a function'],
    ['an array fallback', call('x', run, [run]), 'fallback must be a function'],
    ['a throwing proxy as fallback', call('x', run, throwingProxy()), 'fallback must be a'],
    ['boolean options', call('x', run, undefined, true), 'options must be an object'],
    ['symbol options', call('x', run, undefined, Symbol('o')), 'options must be an object'],
    ['bigint options', call('x', run, undefined, 5n), 'options must be an object'],
    ['function options', call('x', run, undefined, () => ({})), 'options must be an object'],
    ['an EventTarget as signal', withSignal(new EventTarget()), 'must be an AbortSignal'],
    ['a signal without addEventListener', withSignal({ aborted: false }), 'AbortSignal'],
    [
      "a signal whose 'aborted' is a string",
      withSignal({ aborted: 'false', addEventListener: () => undefined }),
      'must be an AbortSignal',
    ],
    ['AbortSignal.prototype as signal', withSignal(AbortSignal.prototype), 'AbortSignal'],
    ['a number signal', withSignal(7), 'options.signal must be an AbortSignal'],
  ];

  describe.each(['do', 'go'] as const)('%s', (method) => {
    test.each(TYPE_ERRORS)(
      '%s: a TypeError at once, nothing counted, the registry still works',
      async (_label, bad, words) => {
        const { h } = manualHystrix();
        expectClearError(() => bad(h, method), TypeError, [words]);
        expect(h.getCircuits()).toEqual([]);
        expectPrototypeClean();
        await expectStillWorks(h);
      },
    );
  });

  test.each<[string, (h: Hystrix) => unknown]>([
    ['doC with an EventTarget', (h) => h.doC(new EventTarget() as never, 'x', run)],
    ['goC with AbortSignal.prototype', (h) => h.goC(AbortSignal.prototype, 'x', run)],
    ['doC with a signal as the name', (h) => h.doC(signal(), signal() as never, run)],
    ['goC with the arguments shifted', (h) => h.goC('x' as never, run as never, run)],
  ])('%s: a TypeError at once', async (_label, bad) => {
    const { h } = manualHystrix();
    expect(thrownBy(() => bad(h))).toBeInstanceOf(TypeError);
    expect(h.getCircuits()).toEqual([]);
    await expectStillWorks(h);
  });

  test.each<[string, unknown]>([
    ['options that are a throwing proxy', throwingProxy()],
    [
      'options whose signal getter throws',
      Object.defineProperty({}, 'signal', {
        get: () => {
          throw new RangeError('getter');
        },
      }),
    ],
    ['a throwing proxy as signal', { signal: throwingProxy() }],
  ])('%s: the accessor error is thrown at once, nothing counted', async (_label, options) => {
    // The library reads what it was given; a getter's own error reaches the caller at once.
    const { h } = manualHystrix();
    for (const method of ['do', 'go'] as const) {
      const error = thrownBy(() => h[method]('x', run, null, options as never));
      expect(error).toBeInstanceOf(Error);
    }
    expect(h.getCircuits()).toEqual([]);
    await expectStillWorks(h);
  });

  test('a duck-typed signal (aborted + addEventListener, no removeEventListener) is refused at once or the call ends once', async () => {
    // checkSignal accepts any object with a boolean `aborted` and an addEventListener method; the execution
    // later calls removeEventListener on it.
    const { h, clock } = manualHystrix();
    const duck = { aborted: false, addEventListener: () => undefined };
    let r: CallRecord | undefined;
    const error = ((): unknown => {
      try {
        r = record(() => h.go('duck', async () => 1, null, { signal: duck as never }));
        return undefined;
      } catch (e: unknown) {
        return e;
      }
    })();
    if (error === undefined && r !== undefined && !r.threw) {
      await settle(clock, [r]);
      expect(r.settled, 'the call never settled').toBe(1);
      expect(h.getCircuit('duck').circuit.stats().requests).toBe(1);
    } else {
      expect(r?.thrown ?? error).toBeInstanceOf(TypeError);
    }
    await expectStillWorks(h);
  });

  describe('odd functions and odd return values', () => {
    interface OddCase {
      label: string;
      run: (ctx: RunContext) => unknown;
      fallback?: (error: unknown) => unknown;
      /** What go resolves with: undefined for a success, else a test of the error. */
      check: (outcome: unknown) => void;
      event: 'successes' | 'failures' | 'timeouts';
      /** Tickets still held at the end: a run that never settles keeps its ticket (README). */
      active?: number;
    }
    const isTypeError = (e: unknown): void => expect(e).toBeInstanceOf(TypeError);
    const ODD: readonly OddCase[] = [
      {
        label: 'a class as run',
        run: class Run {
          readonly ran = true;
        } as unknown as () => unknown,
        check: isTypeError,
        event: 'failures',
      },
      {
        label: 'a generator function as run (its generator is the value)',
        run: function* gen(): Generator<number> {
          yield 1;
        } as () => unknown,
        check: (e) => expect(e).toBeUndefined(),
        event: 'successes',
      },
      {
        label: 'a revoked proxy function as run',
        run: ((): (() => unknown) => {
          const { proxy, revoke } = Proxy.revocable(() => 1, {});
          revoke();
          return proxy;
        })(),
        check: isTypeError,
        event: 'failures',
      },
      {
        label: 'a function proxy whose every trap throws',
        run: throwingProxyFunction(),
        check: (e) => expect((e as Error).message).toBe('trap'),
        event: 'failures',
      },
      {
        label: 'a thenable whose then getter throws',
        run: () =>
          Object.defineProperty({}, 'then', {
            get: () => {
              throw new Error('then getter');
            },
          }),
        check: (e) => expect((e as Error).message).toBe('then getter'),
        event: 'failures',
      },
      {
        label: 'a thenable that resolves, rejects, resolves again and throws',
        run: () => ({
          then(resolve: (v: unknown) => void, reject: (e: unknown) => void): void {
            resolve(1);
            reject(new Error('late'));
            resolve(2);
            throw new Error('after');
          },
        }),
        check: (e) => expect(e).toBeUndefined(),
        event: 'successes',
      },
      {
        label: 'a thenable that never calls back',
        run: () => ({ then: () => undefined }),
        check: (e) => expect(e).toBeCircuitError(ErrTimeout),
        event: 'timeouts',
        active: 1,
      },
      {
        label: 'an object whose then is not a function',
        run: () => ({ then: 5 }),
        check: (e) => expect(e).toBeUndefined(),
        event: 'successes',
      },
      {
        label: 'an async run resolving with a throwing proxy',
        run: async () => throwingProxy(),
        check: (e) => expect((e as Error).message).toBe('trap'),
        event: 'failures',
      },
      // A value that cannot be inspected is decided as `await` decides it: resolving it reads its `then`, which
      // throws, so it rejects with that error.
      {
        label: 'a run that returns a revoked proxy',
        run: () => revokedProxy(),
        check: (e) => expect((e as Error).message).toMatch(/revoked/),
        event: 'failures',
      },
      {
        label: 'a run that returns a proxy whose every trap throws',
        run: () => throwingProxy(),
        check: (e) => expect((e as Error).message).toBe('trap'),
        event: 'failures',
      },
      {
        label: 'a fallback that returns a revoked proxy',
        run: () => Promise.reject(new Error('down')),
        fallback: () => revokedProxy(),
        check: (e) => {
          expect(e).toBeInstanceOf(FallbackError);
          expect((e as FallbackError).message).toMatch(
            /^fallback failed with '.*revoked.*'\. run error was 'down'$/,
          );
        },
        event: 'failures',
      },
      {
        label: 'a fallback proxy whose every trap throws',
        run: () => Promise.reject(new Error('down')),
        fallback: throwingProxyFunction(),
        check: (e) => {
          expect(e).toBeInstanceOf(FallbackError);
          expect((e as FallbackError).message).toBe(
            "fallback failed with 'trap'. run error was 'down'",
          );
        },
        event: 'failures',
      },
    ];

    test.each(ODD)(
      '$label: go never throws, settles once, counts once',
      async ({ run: r, fallback, check, event, active = 0 }) => {
        const { h, clock } = manualHystrix({ defaults: { timeout: 100, fallbackTimeout: 100 } });
        const call = record(() => h.go('odd', r, fallback ?? null));
        expect(call.threw, `go threw ${String(call.thrown)}`).toBe(false);
        await settle(clock, [call]);
        expect(call.settled).toBe(1);
        check(call.value);
        const s = h.getCircuit('odd').circuit.stats();
        expect([s.requests, s[event], s.activeCount]).toEqual([1, 1, active]);
        await expectStillWorks(h);
      },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// 4. The caller's signal, already aborted (or aborted later) with odd reasons
// ---------------------------------------------------------------------------------------------

describe("the caller's signal aborted with odd reasons", () => {
  type Code = 'context_canceled' | 'context_deadline_exceeded';
  const REASONS: readonly [string, () => unknown, Code][] = [
    ['undefined (the signal makes an AbortError)', () => undefined, 'context_canceled'],
    ['null', () => null, 'context_canceled'],
    ['a frozen object', () => Object.freeze({ why: 'frozen' }), 'context_canceled'],
    ['a string', () => 'bye', 'context_canceled'],
    ['the ErrTimeout sentinel (not a TimeoutError)', () => ErrTimeout, 'context_canceled'],
    [
      'a DOMException TimeoutError',
      () => new DOMException('late', 'TimeoutError'),
      'context_deadline_exceeded',
    ],
    // Duck-typed by name, as AbortSignal.timeout's reason is recognised.
    [
      "a frozen object named 'TimeoutError'",
      () => Object.freeze({ name: 'TimeoutError' }),
      'context_deadline_exceeded',
    ],
    ['a proxy whose every trap throws', throwingProxy, 'context_canceled'],
  ];

  function expectContextOutcome(
    h: Hystrix,
    name: string,
    outcome: unknown,
    reason: unknown,
    code: Code,
  ): void {
    expect(outcome).toBeInstanceOf(ContextError);
    const error = outcome as ContextError;
    expect(error.code).toBe(code);
    expect(error.cause).toBe(reason);
    expect(
      code === 'context_canceled' ? isContextCanceled(error) : isContextDeadlineExceeded(error),
    ).toBe(true);
    const s = h.getCircuit(name).circuit.stats();
    const counted = code === 'context_canceled' ? s.contextCanceled : s.contextDeadlineExceeded;
    expect([s.requests, counted, s.errors, s.activeCount]).toEqual([1, 1, 0, 0]);
  }

  test.each(REASONS)(
    'already aborted with %s: ends at once, run not called',
    async (_l, make, code) => {
      const { h } = manualHystrix();
      const controller = new AbortController();
      controller.abort(make());
      const reason: unknown = controller.signal.reason;
      let ran = 0;
      const fallbackSaw: unknown[] = [];
      const runs = (): unknown => ++ran;
      const calls: [string, () => Promise<unknown>][] = [
        ['go', () => h.go('go', runs, null, { signal: controller.signal })],
        ['do', () => h.do('do', runs, null, { signal: controller.signal })],
        ['goC', () => h.goC(controller.signal, 'goC', runs)],
        [
          'fallback',
          () =>
            h.do(
              'fallback',
              runs,
              (e) => {
                fallbackSaw.push(e);
                return 'fb';
              },
              { signal: controller.signal },
            ),
        ],
      ];
      const records = calls.map(([name, start]) => [name, record(start)] as const);
      await flushPromises();
      expect(ran).toBe(0);
      for (const [name, r] of records) {
        expect(r.threw, `${name} threw ${String(r.thrown)}`).toBe(false);
        expect(r.settled).toBe(1);
        if (name === 'fallback') {
          expect(r.value).toBe('fb');
          expect(fallbackSaw).toHaveLength(1);
          expectContextOutcome(h, name, fallbackSaw[0], reason, code);
        } else {
          expect(r.rejected).toBe(name === 'do');
          expectContextOutcome(h, name, r.value, reason, code);
        }
      }
      await expectStillWorks(h);
    },
  );

  test.each(REASONS)(
    'aborted with %s while run is in flight: ends at once, run signalled',
    async (_l, make, code) => {
      const { h } = manualHystrix();
      const controller = new AbortController();
      let runSignal: AbortSignal | undefined;
      const r = record(() =>
        h.go(
          'later',
          (ctx) => {
            runSignal = ctx.signal;
            return untilAborted(ctx);
          },
          null,
          { signal: controller.signal },
        ),
      );
      await flushPromises();
      expect(() => controller.abort(make())).not.toThrow();
      await flushPromises();
      expect(r.settled).toBe(1);
      expectContextOutcome(h, 'later', r.value, controller.signal.reason, code);
      expect(runSignal?.aborted).toBe(true);
      expect(runSignal?.reason).toBe(controller.signal.reason);
      await expectStillWorks(h);
    },
  );
});

// ---------------------------------------------------------------------------------------------
// 5. Collectors and loggers that throw or return garbage
// ---------------------------------------------------------------------------------------------

describe('collectors and loggers that throw or return garbage', () => {
  const FACTORIES: readonly [string, MetricCollectorFactory][] = [
    ['returns null', () => null as never],
    ['returns undefined', () => undefined as never],
    ['returns a number', () => 42 as never],
    ['returns a string', () => 'collector' as never],
    ['returns an empty object', () => ({}) as never],
    ['returns methods that are not functions', () => ({ update: 1, reset: 'no' }) as never],
    ['returns no reset', () => ({ update: () => undefined }) as never],
    ['returns a function', () => (() => undefined) as never],
    ['returns a proxy whose every trap throws', () => throwingProxy() as never],
    ['returns a revoked proxy', () => revokedProxy() as never],
    [
      'throws an Error',
      () => {
        throw new Error('factory down');
      },
    ],
    [
      'throws a string',
      () => {
        throw 'factory string';
      },
    ],
    [
      'throws a proxy whose every trap throws',
      () => {
        throw throwingProxy();
      },
    ],
  ];

  test.each(FACTORIES)('a factory that %s is logged and skipped', async (_label, factory) => {
    const { h, logs } = manualHystrix();
    const unregister = h.metricCollectors.register(factory);
    expect(await h.do('f', () => 1)).toBe(1);
    expect(h.getCircuit('f').circuit.stats().requests).toBe(1);
    expect(
      logs.filter((l) => l.startsWith('hystrix: metric collector factory failed for circuit f: ')),
    ).toHaveLength(1);
    unregister();
    await expectStillWorks(h);
  });

  const UPDATES: readonly [string, MetricCollector['update']][] = [
    [
      'throws an Error',
      () => {
        throw new Error('update down');
      },
    ],
    [
      'throws undefined',
      () => {
        throw undefined;
      },
    ],
    [
      'throws a proxy whose every trap throws',
      () => {
        throw throwingProxy();
      },
    ],
    ['returns a number', () => 42 as never],
    ['returns a proxy whose every trap throws', () => throwingProxy() as never],
    ['returns a never-settling promise', () => new Promise(() => undefined) as never],
    [
      'returns a rejected promise (an async collector that fails)',
      () => Promise.reject(new Error('async update down')) as never,
    ],
  ];

  test.each(UPDATES)(
    'a collector whose update %s never breaks a command',
    async (_label, update) => {
      const { h, clock, logs } = manualHystrix();
      h.configureCommand('u', { requestVolumeThreshold: 2, sleepWindow: 100 });
      let resets = 0;
      h.metricCollectors.register(() => ({
        update,
        reset: () => {
          resets++;
          throw new Error('reset down');
        },
      }));
      expect(await h.do('u', () => 1)).toBe(1);
      expect(await h.go('u', () => Promise.reject(new Error('x')))).toBeInstanceOf(Error);
      expect(await h.go('u', () => Promise.reject(new Error('x')))).toBeInstanceOf(Error);
      expect(await h.go('u', () => 1)).toBeCircuitError(ErrCircuitOpen);
      clock.advance(101);
      // The probe closes the circuit, which resets every collector: reset throws, and is logged.
      expect(await h.do('u', () => 'probe')).toBe('probe');
      expect(h.getCircuit('u').circuit.state).toBe('closed');
      h.flush();
      await flushPromises();
      expect(resets).toBe(2);
      expect(logs.filter((l) => l.includes('failed to reset'))).toHaveLength(2);
      await expectStillWorks(h);
    },
  );

  test('a collector that scribbles on its MetricResult does not change what the next collector sees', async () => {
    const { h } = manualHystrix();
    const seen: MetricResult[] = [];
    h.metricCollectors.register(() => ({
      update: (result) => {
        const writable = result as { -readonly [K in keyof MetricResult]: MetricResult[K] };
        writable.attempts = 1000;
        writable.event = 'timeout';
        writable.totalDuration = -5;
      },
      reset: () => undefined,
    }));
    h.metricCollectors.register(() => ({
      update: (result) => seen.push({ ...result }),
      reset: () => undefined,
    }));
    await h.do('scribble', () => 1);
    expect(seen).toHaveLength(1);
    expect([seen[0]!.attempts, seen[0]!.event, seen[0]!.totalDuration]).toEqual([1, 'success', 0]);
  });

  test('a factory that re-enters the registry for its own circuit ends bounded, with one circuit', async () => {
    const { h, logs } = manualHystrix();
    let calls = 0;
    h.metricCollectors.register((name) => {
      calls++;
      h.getCircuit(name);
      return { update: () => undefined, reset: () => undefined };
    });
    expect(await h.go('reenter', () => 1)).toBeUndefined();
    // The recursion is cut by the stack: the innermost factory call fails, is logged, and the rest attach.
    expect(calls).toBeGreaterThan(1);
    expect(
      logs.some((l) => l.includes('metric collector factory failed for circuit reenter')),
    ).toBe(true);
    expect(h.getCircuits().map((c) => c.name)).toEqual(['reenter']);
    expect(h.getCircuit('reenter').circuit.stats().requests).toBe(1);
    await expectStillWorks(h);
  });

  /** A logger method that is async and fails: it returns a rejected promise. */
  const asyncRejecting =
    (message: string): ((m: string) => void) =>
    () =>
      Promise.reject(new Error(message));

  const LOGGERS: readonly [string, () => Logger][] = [
    [
      'throws an Error',
      () => ({
        info: () => {
          throw new Error('info down');
        },
        error: () => {
          throw new Error('error down');
        },
      }),
    ],
    [
      'throws a proxy whose every trap throws',
      () => ({
        info: () => {
          throw throwingProxy();
        },
        error: () => {
          throw throwingProxy();
        },
      }),
    ],
    [
      'has methods that turn into throwing getters after it was checked',
      () => {
        let reads = 0;
        const method = (): (() => void) => {
          if (++reads > 2) throw new Error('getter down');
          return () => undefined;
        };
        return Object.defineProperties({} as Logger, {
          info: { get: method },
          error: { get: method },
        });
      },
    ],
    ['returns garbage', () => ({ info: () => throwingProxy(), error: () => 42 })],
    [
      'is async and rejects',
      () => ({
        info: asyncRejecting('async info down'),
        error: asyncRejecting('async error down'),
      }),
    ],
  ];

  test.each(LOGGERS)('a logger that %s never breaks a command', async (_label, makeLogger) => {
    const clock = new ManualClock(1_000_000);
    const h = new Hystrix({ clock, logger: makeLogger() });
    h.configureCommand('l', { requestVolumeThreshold: 1, sleepWindow: 100 });
    h.metricCollectors.register(() => {
      throw new Error('factory down'); // makes the registry log an error
    });
    expect(await h.go('l', () => Promise.reject(new Error('x')))).toBeInstanceOf(Error);
    expect(await h.go('l', () => 1)).toBeCircuitError(ErrCircuitOpen); // logs "opening"
    clock.advance(101);
    expect(await h.do('l', () => 'probe')).toBe('probe'); // logs "allowing" and "closing"
    expect(h.getCircuit('l').circuit.state).toBe('closed');
    await flushPromises();
    await expectStillWorks(h);
  });
});

// ---------------------------------------------------------------------------------------------
// 6. A clock that returns garbage once in a while
// ---------------------------------------------------------------------------------------------

/** A manual clock whose `now()` returns `bad` on every `every`-th read (reads counted from 1). */
class GlitchClock implements Clock {
  reads = 0;
  glitches = 0;
  armed = true;

  constructor(
    readonly base: ManualClock,
    readonly bad: unknown,
    readonly every: number,
    readonly phase = 0,
  ) {}

  now(): number {
    this.reads++;
    if (this.armed && this.reads % this.every === this.phase % this.every) {
      this.glitches++;
      return this.bad as number;
    }
    return this.base.now();
  }

  setTimeout(callback: () => void, ms: number): ClockTimer {
    return this.base.setTimeout(callback, ms);
  }

  clearTimeout(timer: ClockTimer): void {
    this.base.clearTimeout(timer);
  }
}

type RunKind = 'ok' | 'fail' | 'slow-ok' | 'slow-fail' | 'hang';
type FallbackKind = 'none' | 'ok' | 'fail' | 'hang';
interface ClockCall {
  kind: 'call';
  method: 'do' | 'go';
  run: RunKind;
  ms: number;
  fallback: FallbackKind;
  abortAfter: number | null;
}
interface ClockAdvance {
  kind: 'advance';
  ms: number;
}
type ClockStep = ClockCall | ClockAdvance;

const clockStep: fc.Arbitrary<ClockStep> = fc.oneof(
  fc.record({
    kind: fc.constant('call' as const),
    method: fc.constantFrom('do' as const, 'go' as const),
    run: fc.constantFrom<RunKind>('ok', 'fail', 'slow-ok', 'slow-fail', 'hang'),
    ms: fc.integer({ min: 0, max: 400 }),
    fallback: fc.constantFrom<FallbackKind>('none', 'ok', 'fail', 'hang'),
    abortAfter: fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }),
  }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3000 }) }),
);

interface ClockReport {
  calls: number;
  syncThrows: unknown[];
  settledCounts: number[];
  fallbackCounts: number[];
  reports: number;
  negativeDurations: number;
  activeCount: number;
}

/** Runs `steps` on a registry driven by `clock`, then lets time run until every call could have settled. */
async function runOnClock(clock: GlitchClock, steps: readonly ClockStep[]): Promise<ClockReport> {
  const base = clock.base;
  // The registry reads its clock once when it is made, and refuses one that cannot tell the time (tested
  // below): the glitches start after that.
  clock.armed = false;
  const h = new Hystrix({ clock, defaults: { timeout: 200, fallbackTimeout: 200 } });
  clock.armed = true;
  h.configureCommand('clocked', {
    requestVolumeThreshold: 4,
    sleepWindow: 500,
    maxConcurrentRequests: 1000,
  });
  let reports = 0;
  let negativeDurations = 0;
  h.metricCollectors.register(() => ({
    update: (r) => {
      reports++;
      if (!(r.totalDuration >= 0) || (r.runDuration !== undefined && !(r.runDuration >= 0))) {
        negativeDurations++;
      }
    },
    reset: () => undefined,
  }));
  const records: CallRecord[] = [];
  const fallbacks: number[] = [];
  const runs: Record<RunKind, (ms: number) => (ctx: RunContext) => unknown> = {
    ok: () => () => 1,
    fail: () => () => {
      throw new Error('fail');
    },
    'slow-ok': (ms) => () => base.sleep(ms).then(() => 1),
    'slow-fail': (ms) => () =>
      base.sleep(ms).then(() => {
        throw new Error('slow fail');
      }),
    hang: () => untilAborted,
  };
  for (const step of steps) {
    if (step.kind === 'advance') {
      base.advance(step.ms);
      await flushPromises();
      continue;
    }
    const index = fallbacks.push(0) - 1;
    const fallback =
      step.fallback === 'none'
        ? null
        : (error: unknown, ctx: RunContext): unknown => {
            fallbacks[index]!++;
            if (step.fallback === 'ok') return 'fb';
            if (step.fallback === 'fail') throw error;
            return untilAborted(ctx);
          };
    let signal: AbortSignal | undefined;
    if (step.abortAfter !== null) {
      const controller = new AbortController();
      base.setTimeout(() => controller.abort(new Error('caller gave up')), step.abortAfter);
      signal = controller.signal;
    }
    const run = runs[step.run](step.ms);
    const options = signal ? { signal } : {};
    records.push(
      record(() =>
        step.method === 'do'
          ? h.do('clocked', run, fallback, options)
          : h.go('clocked', run, fallback, options),
      ),
    );
  }
  for (let i = 0; i < 40 && records.some((r) => !r.threw && r.settled === 0); i++) {
    base.advance(500);
    await flushPromises();
  }
  // Runs last at most 400 ms: let those that outlived their call end and return their tickets.
  for (let i = 0; i < 2; i++) {
    base.advance(500);
    await flushPromises();
  }
  return {
    calls: records.length,
    syncThrows: records.filter((r) => r.threw).map((r) => r.thrown),
    settledCounts: records.filter((r) => !r.threw).map((r) => r.settled),
    fallbackCounts: fallbacks,
    reports,
    negativeDurations,
    activeCount: h.getCircuit('clocked').circuit.pool.activeCount,
  };
}

function expectOneOutcomeEach(report: ClockReport): void {
  expect(report.syncThrows, 'do()/go() threw').toEqual([]);
  expect(
    report.settledCounts.filter((n) => n !== 1),
    'calls that did not settle exactly once',
  ).toEqual([]);
  expect(report.fallbackCounts.filter((n) => n > 1)).toEqual([]);
  expect(report.reports, 'one report per call').toBe(report.calls);
  expect(report.negativeDurations).toBe(0);
  expect(report.activeCount).toBe(0);
}

describe('a clock that returns garbage once in a while', () => {
  const BAD_NUMBERS: readonly number[] = [
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -1,
    -1e15,
    0,
    -0,
    1e308,
    2 ** 60,
    Number.MIN_VALUE,
  ];

  test('numbers (NaN, ±Infinity, negative, zero, huge): every call ends in exactly one outcome, nothing throws', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...BAD_NUMBERS),
        fc.integer({ min: 2, max: 15 }),
        fc.integer({ min: 0, max: 14 }),
        fc.array(clockStep, { minLength: 1, maxLength: 25 }),
        async (bad, every, phase, steps) => {
          const clock = new GlitchClock(new ManualClock(1_700_000_000_000), bad, every, phase);
          expectOneOutcomeEach(await runOnClock(clock, steps));
        },
      ),
      { numRuns: 150 },
    );
  });

  // What the library does with each kind of non-number: `MonotonicClock.now()` computes `source.now() + offset`
  // and compares it with the last reading. A numeric string is concatenated ('1700000000000' + 0), null reads as
  // 0 and true as 1 (backward jumps), undefined and objects read as NaN, and a bigint or a symbol makes the `+`
  // throw a TypeError, wherever the clock happens to be read.
  test.each<[string, unknown]>([
    ['a numeric string', '1700000000000'],
    ['a word', 'soon'],
    ['null', null],
    ['undefined', undefined],
    ['true', true],
    ['an object', {}],
    ['an array', []],
    ['a Date', new Date(1_700_000_000_000)],
    ['a bigint', 1_700_000_000_000n],
    ['a symbol', Symbol('now')],
  ])(
    '%s: every call ends in exactly one outcome, nothing throws out of do()/go()',
    async (_l, bad) => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 2, max: 15 }),
          fc.integer({ min: 0, max: 14 }),
          fc.array(clockStep, { minLength: 1, maxLength: 25 }),
          async (every, phase, steps) => {
            const clock = new GlitchClock(new ManualClock(1_700_000_000_000), bad, every, phase);
            expectOneOutcomeEach(await runOnClock(clock, steps));
          },
        ),
        {
          numRuns: 40,
          // A call whose run times out and whose fallback hangs: the fallback's deadline must end it.
          examples: [
            [
              2,
              0,
              [
                {
                  kind: 'call',
                  method: 'do',
                  run: 'ok',
                  ms: 0,
                  fallback: 'none',
                  abortAfter: null,
                },
                {
                  kind: 'call',
                  method: 'do',
                  run: 'hang',
                  ms: 0,
                  fallback: 'hang',
                  abortAfter: null,
                },
                { kind: 'advance', ms: 0 },
              ],
            ],
          ],
        },
      );
    },
  );

  test.each<[string, unknown]>([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a numeric string', '1700000000000'],
    ['undefined', undefined],
    ['a bigint', 1_700_000_000_000n],
  ])('a clock whose first reading is %s is refused when the registry is made', (_l, bad) => {
    const clock = new GlitchClock(new ManualClock(1_700_000_000_000), bad, 1, 1);
    expect(() => new Hystrix({ clock })).toThrow(
      new TypeError('the clock must return a finite number of milliseconds from now()'),
    );
    const throwing: Clock = {
      now: () => {
        throw new Error('no time');
      },
      setTimeout: (cb, ms) => clock.setTimeout(cb, ms),
      clearTimeout: (t) => {
        clock.clearTimeout(t);
      },
    };
    expect(() => new Hystrix({ clock: throwing })).toThrow(TypeError);
  });

  /** A registry on a glitch clock that is disarmed, with a circuit that trips on 2 requests. */
  function glitchRegistry(bad: unknown): { h: Hystrix; clock: GlitchClock; base: ManualClock } {
    const base = new ManualClock(1_700_000_000_000);
    const clock = new GlitchClock(base, bad, 1);
    clock.armed = false;
    const h = new Hystrix({ clock });
    h.configureCommand('g', { requestVolumeThreshold: 2, sleepWindow: 1000, timeout: 1000 });
    return { h, clock, base };
  }

  /** Reads the clock through the registry once, while the glitch is armed. */
  function glitchOnce(clock: GlitchClock, read: () => unknown): unknown {
    clock.armed = true;
    try {
      return read();
    } finally {
      clock.armed = false;
    }
  }

  // A NaN reading at the admission that opens a circuit becomes its `openedAt`: `now - NaN > sleepWindow` is never
  // true, so the circuit never half-opens again (until forced, flushed or closed). undefined and objects read as
  // NaN too (`undefined + 0`).
  test.each<[string, unknown]>([
    ['NaN', Number.NaN],
    ['undefined', undefined],
    ['an object', {}],
  ])(
    'one %s reading at the admission that opens a circuit: a probe is still admitted after the sleep window',
    async (_l, bad) => {
      const { h, clock, base } = glitchRegistry(bad);
      await h.go('g', () => Promise.reject(new Error('x')));
      await h.go('g', () => Promise.reject(new Error('x')));
      // This admission finds the circuit unhealthy and opens it, at the time the clock returned.
      const opening = glitchOnce(clock, () => h.go('g', () => 1)) as Promise<unknown>;
      expect(await opening).toBeCircuitError(ErrCircuitOpen);
      expect(clock.glitches).toBe(1);
      expect(h.getCircuit('g').circuit.state).toBe('open');
      for (const ms of [1001, 60_000, 3_600_000]) {
        base.advance(ms);
        expect(h.getCircuit('g').circuit.allowRequest(), `probe admitted ${ms} ms later`).toBe(
          true,
        );
      }
      let ran = false;
      await h.go('g', () => {
        ran = true;
      });
      expect(ran).toBe(true);
    },
  );

  // An infinite (or huge) reading enters MonotonicClock's offset (`offset += last - t`), so every later reading is
  // Infinity (or stuck at 1e308, where adding milliseconds changes nothing): deadlines `now + timeout` equal `now`
  // and every call whose run is asynchronous times out at the first timer, 1 ms later; windows never rotate again.
  test.each<[string, number]>([
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['1e308', 1e308],
  ])(
    'one %s reading does not freeze time: a later 50 ms call with a 1000 ms timeout succeeds',
    async (_l, bad) => {
      const { h, clock, base } = glitchRegistry(bad);
      expect(await h.do('g', () => 'before')).toBe('before');
      glitchOnce(clock, () => h.getCircuit('g').circuit.stats());
      expect(clock.glitches).toBeGreaterThan(0);
      base.advance(10_000);
      const r = record(() => h.go('g', () => base.sleep(50).then(() => 'slow')));
      base.advance(50);
      await flushPromises();
      expect(r.settled).toBe(1);
      expect(r.value, 'the call timed out instead of succeeding').toBeUndefined();
    },
  );

  // A bigint or a symbol makes MonotonicClock's `source.now() + offset` throw a TypeError wherever the clock is
  // read: at the call (out of do()/go(), above), when a run settles (inside a promise reaction), or in a deadline
  // timer (inside the timer callback).
  test.each<[string, unknown]>([
    ['a bigint', 5n],
    ['a symbol', Symbol('now')],
  ])(
    '%s read once as an async run settles: the call ends once, with its value, and returns its ticket',
    async (_l, bad) => {
      const { h, clock, base } = glitchRegistry(bad);
      const r = record(() => h.go('g', () => base.sleep(10).then(() => 'late')));
      expect(r.threw).toBe(false);
      base.advance(10);
      clock.armed = true; // runResolved reads the clock in a promise reaction
      await flushPromises();
      clock.armed = false;
      base.advance(2000);
      await flushPromises();
      expect(r.settled).toBe(1);
      expect.soft(r.value, 'the run succeeded').toBeUndefined();
      expect.soft(h.getCircuit('g').circuit.pool.activeCount, 'ticket returned').toBe(0);
    },
  );

  test.each<[string, unknown]>([
    ['a bigint', 5n],
    ['a symbol', Symbol('now')],
  ])(
    '%s read once by a deadline timer: nothing escapes the timer, the call still times out',
    async (_l, bad) => {
      const { h, clock, base } = glitchRegistry(bad);
      const r = record(() => h.go('g', untilAborted));
      clock.armed = true;
      let escaped: unknown;
      try {
        base.advance(1000); // the deadline timer fires and reads the clock
      } catch (error: unknown) {
        escaped = error;
      }
      clock.armed = false;
      expect.soft(escaped, 'an exception escaped the timer callback').toBeUndefined();
      base.advance(5000);
      await flushPromises();
      expect(r.settled, 'the call never settled').toBe(1);
      expect(r.value).toBeCircuitError(ErrTimeout);
    },
  );

  test('one absurd reading (negative) is ignored: time stands still for it and goes on as before', async () => {
    // A reading decades away from the last one is broken, not time passing: the view stands still for it. The
    // windows keep their counts, an open circuit stays open until its sleep window has really passed.
    const { h, clock, base } = glitchRegistry(-1);
    const durations: number[] = [];
    h.metricCollectors.register(() => ({
      update: (r) => durations.push(r.totalDuration, r.runDuration ?? 0),
      reset: () => undefined,
    }));
    await h.go('g', () => Promise.reject(new Error('x')));
    await h.go('g', () => Promise.reject(new Error('x')));
    expect(await h.go('g', () => 1)).toBeCircuitError(ErrCircuitOpen);
    glitchOnce(clock, () => h.getCircuit('g').circuit.stats());
    base.advance(1);
    const s = h.getCircuit('g').circuit.stats();
    expect([s.requests, s.shortCircuits, s.state]).toEqual([3, 1, 'open']);
    expect(h.getCircuit('g').circuit.allowRequest()).toBe(false);
    base.advance(1000);
    expect(await h.go('g', () => 'probe')).toBeUndefined();
    expect(h.getCircuit('g').circuit.state).toBe('closed');
    expect(durations.every((d) => d >= 0)).toBe(true);
    await expectStillWorks(h);
  });

  test('a clock corrected by decades, and staying there, is followed after a few readings, no time passing', async () => {
    const base = new ManualClock(1_700_000_000_000);
    let shift = 0;
    const clock: Clock = {
      now: () => base.now() + shift,
      setTimeout: (cb, ms) => base.setTimeout(cb, ms),
      clearTimeout: (t) => {
        base.clearTimeout(t);
      },
    };
    const h = new Hystrix({ clock });
    await h.go('g', () => 1);
    const before = h.now();
    shift = -1_600_000_000_000; // an RTC back to the 1970s, then fixed: the clock tells 1973 from now on
    for (let i = 0; i < 5; i++) {
      base.advance(10);
      h.getCircuit('g').circuit.stats();
    }
    const after = h.now();
    expect(after).toBeGreaterThanOrEqual(before);
    expect(after - before).toBeLessThanOrEqual(50);
    base.advance(100);
    expect(h.now() - after).toBe(100);
    expect(h.getCircuit('g').circuit.stats().successes).toBe(1);
    await expectStillWorks(h);
  });

  test('the stream of a registry whose clock returns NaN or Infinity still sends valid JSON', async () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const base = new ManualClock(1_700_000_000_000);
      const clock = new GlitchClock(base, bad, 3);
      const h = new Hystrix({ clock });
      await h.go('streamed', () => 1);
      const server = await startStreamServer({ hystrix: h });
      try {
        const ex = await exchange(
          server.port,
          ['GET /hystrix.stream?extended=true HTTP/1.1\r\nHost: x\r\n\r\n'],
          (text) => (text.match(/"type":"HystrixCommand"/g) ?? []).length >= 4,
          5000,
          (socketText) => {
            for (let i = 0; i < 6; i++) base.advance(1000);
            return socketText;
          },
        );
        ex.socket.destroy();
        expect(ex.timedOut).toBe(false);
        const payloads = dataPayloads(ex.text);
        expect(payloads.length).toBeGreaterThan(4);
        for (const payload of payloads) {
          expect(() => JSON.parse(payload) as unknown, payload.slice(0, 120)).not.toThrow();
        }
      } finally {
        await server.close();
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 7. The stream handler over a real socket
// ---------------------------------------------------------------------------------------------

interface Exchange {
  text: string;
  status: number;
  closed: boolean;
  timedOut: boolean;
  socket: Socket;
}

function statusOf(text: string): number {
  const match = /^HTTP\/1\.[01] (\d{3}) /.exec(text);
  return match ? Number(match[1]) : 0;
}

/** The body of a raw response (undone chunked framing is kept: callers look for substrings only). */
function bodyOf(text: string): string {
  const head = text.indexOf('\r\n\r\n');
  return head < 0 ? '' : text.slice(head + 4);
}

/** The `data:` payloads of a raw event-stream response. */
function dataPayloads(text: string): string[] {
  return bodyOf(text)
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice('data:'.length));
}

/** A complete response: a stream that sent its first ping, or a body of its stated length or final chunk. */
function responseDone(text: string): boolean {
  const head = text.indexOf('\r\n\r\n');
  if (head < 0) return false;
  const headers = text.slice(0, head).toLowerCase();
  const body = text.slice(head + 4);
  if (headers.includes('text/event-stream')) return body.includes(': ping\n\n');
  const length = /content-length: (\d+)/.exec(headers);
  if (length) return body.length >= Number(length[1]);
  if (headers.includes('transfer-encoding: chunked')) return body.endsWith('0\r\n\r\n');
  return false;
}

const sockets = new Set<Socket>();

/**
 * Sends `chunks` on a raw socket and collects the answer until `done(text)`, the server closes, or `timeoutMs`
 * (a hang detector, not a clock for the logic). `onFirstData` runs once when the first bytes arrive.
 */
function exchange(
  port: number,
  chunks: readonly (string | Buffer)[],
  done: (text: string) => boolean = responseDone,
  timeoutMs = 5000,
  onFirstData?: (text: string) => unknown,
): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    sockets.add(socket);
    let text = '';
    let finished = false;
    let first = true;
    const finish = (closed: boolean, timedOut: boolean): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      resolve({ text, status: statusOf(text), closed, timedOut, socket });
    };
    const timer = setTimeout(() => {
      finish(false, true);
    }, timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (first) {
        first = false;
        onFirstData?.(text);
      }
      if (done(text)) finish(false, false);
    });
    socket.on('close', () => {
      finish(true, false);
    });
    socket.on('error', () => undefined); // a reset after the server's answer
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
    });
  });
}

const GET = (path: string, headers = ''): string =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Connection: close\r\n\r\n`;

const servers: StreamServer[] = [];
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  for (const server of servers.splice(0)) await server.close();
});

async function serve(options: { maxClients?: number } = {}): Promise<{
  h: Hystrix;
  clock: ManualClock;
  server: StreamServer;
}> {
  const { h, clock } = manualHystrix();
  await h.go('streamed', () => 1);
  const server = await startStreamServer({ hystrix: h, ...options });
  servers.push(server);
  return { h, clock, server };
}

/**
 * The server still serves: once the earlier clients are gone, a stream client gets 200 and a frame with the
 * circuit, the page 200, and the registry still counts calls.
 */
async function expectServes(server: StreamServer, h: Hystrix): Promise<void> {
  await until(() => server.stream.clientCount === 0);
  const stream = await exchange(server.port, [GET('/hystrix.stream')]);
  expect(stream.timedOut).toBe(false);
  expect(stream.status).toBe(200);
  expect(stream.text).toContain('"name":"streamed"');
  stream.socket.destroy();
  const page = await exchange(server.port, [GET('/')]);
  expect(page.status).toBe(200);
  expect(page.text).toContain('hystrix.stream');
  await until(() => server.stream.clientCount === 0);
  await expectStillWorks(h);
}

/** Resolves once `done()` holds (what the server learns over a socket arrives asynchronously). */
async function until(done: () => boolean, limit = 5000): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > limit) throw new Error('condition not reached in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('the stream handler over a real socket', () => {
  test.each<[string, string, number[]]>([
    ['an encoded NUL', '/%00', [404]],
    ['an encoded NUL after the stream path', '/hystrix.stream%00', [404]],
    ['an encoded NUL in the query', '/hystrix.stream?extended=%00true', [200]],
    ['dot segments', '/../../../etc/passwd', [404]],
    ['dot segments after the stream path', '/hystrix.stream/../hystrix.stream', [404]],
    ['encoded dot segments', '/%2e%2e/%2e%2e/hystrix.stream', [404]],
    ['an encoded slash', '/hystrix.stream%2f..%2f', [404]],
    ['a backslash', '/\\hystrix.stream', [404]],
    ['an absolute URL', 'http://evil.example/hystrix.stream', [404]],
    ['an asterisk', '*', [404]],
    ['a 64 KB path', `/${'a'.repeat(64 * 1024)}`, [431]],
    ['a 64 KB query on the stream path', `/hystrix.stream?${'x'.repeat(64 * 1024)}`, [431]],
    ['UTF-8 in the path', '/hystrix.stream/\u00e9\u00e8', [404, 400]],
  ])('%s: a bounded answer, and the stream still serves', async (_l, path, statuses) => {
    const { h, server } = await serve();
    const ex = await exchange(server.port, [GET(path)]);
    expect(ex.timedOut).toBe(false);
    expect(statuses).toContain(ex.status);
    ex.socket.destroy();
    await expectServes(server, h);
  });

  test('a raw NUL or control characters in the request line are refused by the parser', async () => {
    const { h, server } = await serve();
    for (const line of [
      'GET /hystrix.stream\u0000 HTTP/1.1',
      'GET /hys\u0000trix.stream HTTP/1.1',
      'GET /hystrix.stream\u0007 HTTP/1.1',
      'GET /hystrix stream HTTP/1.1',
    ]) {
      const ex = await exchange(server.port, [`${line}\r\nHost: x\r\n\r\n`]);
      expect(ex.timedOut).toBe(false);
      expect([400, 404]).toContain(ex.status);
      ex.socket.destroy();
    }
    await expectServes(server, h);
  });

  test.each<[string, number[]]>([
    ['POST', [405]],
    ['PUT', [405]],
    ['DELETE', [405]],
    ['PATCH', [405]],
    ['OPTIONS', [405]],
    ['TRACE', [405]],
    ['PROPFIND', [405]],
    ['M-SEARCH', [405]],
    ['FOO', [400]],
    ['get', [400]],
    ['GETT', [400]],
    ['G\u0000T', [400]],
  ])(
    'method %s on the stream: 405 with Allow, or 400 from the parser',
    async (method, statuses) => {
      const { h, server } = await serve();
      for (const path of ['/hystrix.stream', '/']) {
        const ex = await exchange(server.port, [
          `${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
        ]);
        expect(ex.timedOut).toBe(false);
        expect(statuses).toContain(ex.status);
        if (ex.status === 405) {
          expect(ex.text).toMatch(/\r\nallow: GET, HEAD\r\n/i);
          expect(bodyOf(ex.text)).toContain('method not allowed');
        }
        ex.socket.destroy();
      }
      expect(server.stream.clientCount).toBe(0);
      await expectServes(server, h);
    },
  );

  test('CONNECT and an upgrade request: the connection is closed or answered, nothing is left open', async () => {
    const { h, server } = await serve();
    const connectRequest = await exchange(server.port, [
      'CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n',
    ]);
    expect(connectRequest.timedOut).toBe(false);
    expect(connectRequest.closed).toBe(true);
    const upgrade = await exchange(server.port, [
      GET('/hystrix.stream', 'Upgrade: websocket\r\nConnection: Upgrade\r\n').replace(
        'Connection: close\r\n',
        '',
      ),
    ]);
    expect(upgrade.timedOut).toBe(false);
    upgrade.socket.destroy();
    await until(() => server.stream.clientCount === 0);
    await expectServes(server, h);
  });

  test.each<[string, string, number[]]>([
    ['a 20 KB header', `X-Big: ${'b'.repeat(20 * 1024)}\r\n`, [431]],
    ['a 1 MB header', `X-Big: ${'b'.repeat(1 << 20)}\r\n`, [431]],
    ['5,000 small headers', 'X-N: 1\r\n'.repeat(5000), [431]],
    ['1,500 small headers (under the size limit)', 'X-N: 1\r\n'.repeat(1500), [200]],
    ['a header line without a colon', 'Not a header\r\n', [400]],
    ['a space in a header name', 'Bad Name: x\r\n', [400]],
    ['a NUL in a header value', 'X-Nul: a\u0000b\r\n', [400]],
    ['a bare LF in a header value', 'X-Lf: a\nb: c\r\n', [400, 200]],
    ['an invalid Content-Length', 'Content-Length: abc\r\n', [400]],
    ['two Content-Lengths', 'Content-Length: 1\r\nContent-Length: 2\r\n', [400]],
    [
      'Content-Length and chunked together',
      'Content-Length: 3\r\nTransfer-Encoding: chunked\r\n',
      [400],
    ],
    ['a folded header', 'X-Fold: a\r\n b\r\n', [400, 200]],
    ['UTF-8 in a header value', 'X-Name: \u00e9\u00e8\u4e2d\r\n', [200]],
    ['a 10,000-character Accept', `Accept: ${'text/event-stream,'.repeat(600)}\r\n`, [200]],
  ])('%s: a bounded answer, and the stream still serves', async (_l, headers, statuses) => {
    const { h, server } = await serve();
    const ex = await exchange(server.port, [GET('/hystrix.stream', headers)]);
    expect(ex.timedOut).toBe(false);
    expect(statuses).toContain(ex.status);
    ex.socket.destroy();
    await until(() => server.stream.clientCount === 0);
    await expectServes(server, h);
  });

  test('a request without Host is refused; an HTTP/0.9-style request and garbage get a bounded answer', async () => {
    const { h, server } = await serve();
    const noHost = await exchange(server.port, ['GET /hystrix.stream HTTP/1.1\r\n\r\n']);
    expect(noHost.status).toBe(400);
    const old = await exchange(server.port, ['GET /hystrix.stream\r\n\r\n']);
    expect(old.timedOut).toBe(false);
    // llhttp reads a request line without a version as HTTP/0.9: it is served like any other.
    expect([0, 200, 400]).toContain(old.status);
    old.socket.destroy();
    const garbage = await exchange(server.port, [Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10])]);
    expect(garbage.timedOut).toBe(false);
    expect([0, 400]).toContain(garbage.status);
    await expectServes(server, h);
  });

  test('a query with thousands of parameters: 200, and `extended` is still recognised', async () => {
    const { h, clock, server } = await serve();
    const params = Array.from({ length: 3000 }, (_, i) => `${'abc'[i % 3]!}=1`).join('&');
    expect(params.length).toBeLessThan(16 * 1024);
    const plain = await exchange(server.port, [GET(`/hystrix.stream?${params}`)]);
    expect(plain.status).toBe(200);
    expect(plain.text).not.toContain('HystrixTsCircuit');
    const extended = await exchange(server.port, [GET(`/hystrix.stream?${params}&extended=true`)]);
    expect(extended.status).toBe(200);
    expect(extended.text).toContain('"type":"HystrixTsCircuit"');
    const repeated = await exchange(server.port, [
      GET(`/hystrix.stream?${'extended=true&'.repeat(1000)}`),
    ]);
    expect(repeated.status).toBe(200);
    expect(repeated.text).toContain('"type":"HystrixTsCircuit"');
    // A pattern that would make a careless regular expression backtrack.
    const started = process.hrtime.bigint();
    const tricky = await exchange(server.port, [
      GET(`/hystrix.stream?${'extended='.repeat(1500)}x&${'&'.repeat(1500)}`),
    ]);
    expect(tricky.status).toBe(200);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2000);
    expect(server.stream.clientCount).toBe(4);
    clock.advance(1000);
    for (const ex of [plain, extended, repeated, tricky]) ex.socket.destroy();
    await until(() => server.stream.clientCount === 0);
    expect(clock.pendingTimers()).toBe(0);
    await expectServes(server, h);
  });

  test('slowloris: partial requests do not hang the others, are not clients, and close() ends them', async () => {
    const { h, clock, server } = await serve();
    const line = 'GET /hystrix.stream HTTP/1.1\r\nHost: 127.0.0.1\r\n';
    const slow: { socket: Socket; closed: boolean }[] = [];
    for (let i = 0; i < 200; i++) {
      const socket = connect(server.port, '127.0.0.1');
      sockets.add(socket);
      const entry = { socket, closed: false };
      socket.on('error', () => undefined);
      socket.on('close', () => (entry.closed = true));
      // Half send the request line and dribble header lines; half dribble the request line itself.
      socket.write(i % 2 === 0 ? line : 'G');
      slow.push(entry);
    }
    for (let round = 0; round < 5; round++) {
      for (const [i, { socket }] of slow.entries()) {
        socket.write(i % 2 === 0 ? `X-Slow-${round}: 1\r\n` : line.slice(1 + round, 2 + round));
      }
      const ex = await exchange(server.port, [GET('/hystrix.stream')], responseDone, 2000);
      expect(ex.timedOut, 'a normal client waited behind slow ones').toBe(false);
      expect(ex.status).toBe(200);
      ex.socket.destroy();
      const page = await exchange(server.port, [GET('/')], responseDone, 2000);
      expect(page.status).toBe(200);
    }
    await until(() => server.stream.clientCount === 0);
    // A complete request sent one byte at a time still gets its stream.
    const request = GET('/hystrix.stream');
    const trickle = connect(server.port, '127.0.0.1');
    sockets.add(trickle);
    let text = '';
    trickle.setEncoding('latin1');
    trickle.on('data', (chunk: string) => (text += chunk));
    for (const byte of request) {
      trickle.write(byte);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => responseDone(text));
    expect(statusOf(text)).toBe(200);
    expect(server.stream.clientCount).toBe(1);
    trickle.destroy();
    await expectServes(server, h);
    clock.advance(1000);
    // The slow ones were never clients; closing the server ends them all.
    expect(server.stream.clientCount).toBe(0);
    await server.close();
    await until(() => slow.every((entry) => entry.closed));
    expect(server.server.listening).toBe(false);
  });

  test('1,000 concurrent stream clients against the default maxClients: 100 streams, 900 clear 503s', async () => {
    const { h, clock, server } = await serve();
    const heapBefore = process.memoryUsage().heapUsed;
    const all: Exchange[] = [];
    // All 1,000 stay connected at once; they connect in waves so that the listen backlog is not the test.
    for (let wave = 0; wave < 10; wave++) {
      const batch = await Promise.all(
        Array.from({ length: 100 }, () =>
          exchange(server.port, ['GET /hystrix.stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n']),
        ),
      );
      all.push(...batch);
    }
    expect(all.filter((ex) => ex.timedOut)).toHaveLength(0);
    const ok = all.filter((ex) => ex.status === 200);
    const refused = all.filter((ex) => ex.status === 503);
    expect([ok.length, refused.length]).toEqual([100, 900]);
    for (const ex of refused) {
      expect(ex.text).toMatch(/\r\nretry-after: 10\r\n/i);
      expect(bodyOf(ex.text)).toContain('hystrix: too many stream clients (at most 100)');
    }
    for (const ex of ok) expect(ex.text).toContain('text/event-stream');
    expect(server.stream.clientCount).toBe(100);

    // Ticks reach every stream client; one timer serves them all.
    const received = new Map<Socket, number>();
    for (const ex of ok) {
      received.set(ex.socket, 0);
      ex.socket.on('data', () => received.set(ex.socket, received.get(ex.socket)! + 1));
    }
    for (let tick = 0; tick < 3; tick++) {
      clock.advance(1000);
      await until(() => [...received.values()].every((n) => n > tick));
    }
    expect(clock.pendingTimers()).toBe(1);
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    expect(heapGrowth).toBeLessThan(96 * 1024 * 1024);

    // Every client goes away: the stream forgets them all and stops its timer.
    const closed = all.map((ex) =>
      ex.socket.destroyed
        ? Promise.resolve()
        : new Promise<void>((resolve) => ex.socket.once('close', () => resolve())),
    );
    for (const ex of all) ex.socket.destroy();
    await Promise.all(closed);
    await until(() => server.stream.clientCount === 0);
    expect(clock.pendingTimers()).toBe(0);
    expect(server.server.listening).toBe(true);
    await expectServes(server, h);
  });

  test('names that are hostile travel as valid JSON over the stream', async () => {
    const { h, server } = await serve();
    const names = [
      '\uD800',
      'a\uDC00b',
      '\u0000',
      'cmd\u0000evil',
      '"}\n\ndata:{"x":1}',
      'n'.repeat(1 << 20),
    ];
    for (const name of names) await h.go(name, () => 1);
    const poolEnd = '"propertyValue_queueSizeRejectionThreshold":0}\n\n';
    const ex = await exchange(
      server.port,
      [GET('/hystrix.stream')],
      (text) => text.split(poolEnd).length - 1 >= names.length + 1,
    );
    ex.socket.destroy();
    expect(ex.timedOut).toBe(false);
    const seen = dataPayloads(ex.text).map((p) => JSON.parse(p) as { type: string; name: string });
    const commands = seen.filter((m) => m.type === 'HystrixCommand').map((m) => m.name);
    expect(commands).toEqual(['streamed', ...names]);
    await expectServes(server, h);
  });

  test('handler used directly with a request that has no url or an odd method object', async () => {
    const { h } = manualHystrix();
    const stream = new HystrixStream({ hystrix: h });
    try {
      const written: string[] = [];
      const res = {
        statusCode: 0,
        headers: {} as Record<string, unknown>,
        setHeader(name: string, value: unknown): void {
          this.headers[name] = value;
        },
        writeHead(status: number): void {
          this.statusCode = status;
        },
        end(body?: string): void {
          if (body !== undefined) written.push(body);
        },
      };
      // No url at all reads as '/': the page.
      stream.handler({ method: 'GET' } as never, res as never);
      expect(res.statusCode).toBe(200);
      stream.handler({ url: '/hystrix.stream', method: undefined } as never, res as never);
      expect(res.statusCode).toBe(405);
      expect(written.join('')).toContain('method not allowed');
    } finally {
      stream.stop();
    }
    await expectStillWorks(h);
  });
});
