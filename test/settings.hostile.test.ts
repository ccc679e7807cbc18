/** Configurations read from JSON text: every bad one is refused at every door with a clear error, changes
 * nothing and pollutes nothing; names that are prototype keys are ordinary names. */
import { describe, expect, test } from 'vitest';
import {
  type AnyCommandConfig,
  defaultSettings,
  ErrMaxConcurrency,
  ErrTimeout,
  Hystrix,
  ManualClock,
} from '../src/index.js';
import { failOnUnhandled, flushPromises, manualHystrix, record, untilAborted } from './helpers.js';
import {
  type ErrorKind,
  expectClearError,
  expectPrototypeClean,
  expectStillWorks,
  snapshot,
} from './hostile.js';

failOnUnhandled();

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
      words: ['must be a plain object, got 1000'],
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
    expect(hung.settles).toBe(0);
    clock.advance(1);
    await flushPromises();
    expect(hung.value).toBeCircuitError(ErrTimeout);
    const a = record(() => h.go('prototype', untilAborted));
    const b = record(() => h.go('prototype', untilAborted));
    expect(await h.go('prototype', () => 1)).toBeCircuitError(ErrMaxConcurrency);
    clock.advance(1000);
    await flushPromises();
    expect([a.settles, b.settles]).toEqual([1, 1]);
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
