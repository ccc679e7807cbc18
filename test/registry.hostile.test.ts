/** What the registry is given at its doors: any string is a command name, and a name, run, fallback or options of
 * the wrong type is a TypeError at once, before anything is counted. */
import { describe, expect, test } from 'vitest';
import { ErrTimeout, Hystrix } from '../src/index.js';
import {
  failOnUnhandled,
  flushPromises,
  manualHystrix,
  record,
  thrownBy,
  untilAborted,
} from './helpers.js';
import {
  expectClearError,
  expectPrototypeClean,
  expectStillWorks,
  throwingProxy,
} from './hostile.js';

failOnUnhandled();

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
    ['an array name', call(['x'], run), 'name must be a string, got an array'],
    ['a function name', call(() => 'x', run), 'name must be a string, got function'],
    ['a throwing proxy as name', call(throwingProxy(), run), 'name must be a string'],
    ['a symbol run', call('x', Symbol('run')), 'run must be a function, got symbol'],
    ['a bigint run', call('x', 10n), 'run must be a function, got bigint'],
    ['a boolean run', call('x', true), 'run must be a function, got boolean'],
    ['an array of run', call('x', [run]), 'run must be a function, got an array'],
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
});
