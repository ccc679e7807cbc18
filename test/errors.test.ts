import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import * as errors from '../src/errors.js';
import {
  CircuitError,
  ContextError,
  contextCodeOf,
  describeError,
  ErrCircuitOpen,
  ErrClosed,
  ErrMaxConcurrency,
  ErrTimeout,
  FallbackError,
  isCircuitError,
  isContextCanceled,
  isContextDeadlineExceeded,
  isContextError,
  isFallbackError,
  isTimeout,
  toError,
} from '../src/errors.js';
import * as index from '../src/index.js';
import { flushPromises, manualHystrix, never, rejectionOf, untilAborted } from './helpers.js';

type ErrorsModule = typeof errors;

const SENTINELS: readonly [string, CircuitError, string][] = [
  ['ErrCircuitOpen', ErrCircuitOpen, 'circuit open'],
  ['ErrMaxConcurrency', ErrMaxConcurrency, 'max concurrency'],
  ['ErrTimeout', ErrTimeout, 'timeout'],
  ['ErrClosed', ErrClosed, 'closed'],
];

/** A thrown value that is not an Error, with the text Go's `%v` would give for it. */
const toStringThrows = {
  toString(): string {
    throw new Error('no text');
  },
};
const NON_ERRORS: readonly [string, unknown, string][] = [
  ['undefined', undefined, 'undefined'],
  ['null', null, 'null'],
  ['a string', 'run_error', 'run_error'],
  ['an empty string', '', ''],
  ['a number', 42, '42'],
  ['NaN', Number.NaN, 'NaN'],
  ['a boolean', false, 'false'],
  ['a bigint', 7n, '7'],
  ['a frozen object', Object.freeze({ a: 1 }), '[object Object]'],
  ['an object with a message', { message: 'text' }, 'text'],
  ['an object with a toString', { toString: () => 'custom' }, 'custom'],
  ['an object whose toString throws', toStringThrows, '[object Object]'],
  ['an object without prototype', Object.create(null) as object, '[object Object]'],
  ['a Symbol', Symbol('sym'), 'Symbol(sym)'],
  ['an array', [1, 2], '1,2'],
];

describe('sentinels', () => {
  it.each(SENTINELS)('%s has the message hystrix: <reason>', (_name, error, reason) => {
    expect(error.message).toBe('hystrix: ' + reason);
    expect(error.reason).toBe(reason);
    expect(error).toBeInstanceOf(CircuitError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CircuitError');
  });

  it("have hystrix-go's exact messages", () => {
    expect(ErrCircuitOpen.message).toBe('hystrix: circuit open');
    expect(ErrMaxConcurrency.message).toBe('hystrix: max concurrency');
    expect(ErrTimeout.message).toBe('hystrix: timeout');
    expect(ErrClosed.message).toBe('hystrix: closed');
  });

  it.each(SENTINELS)('%s is frozen', (_name, error, reason) => {
    expect(Object.isFrozen(error)).toBe(true);
    expect(() => {
      (error as { message: string }).message = 'changed';
    }).toThrow(TypeError);
    expect(() => {
      (error as { reason: string }).reason = 'changed';
    }).toThrow(TypeError);
    expect(() => {
      (error as unknown as { extra: number }).extra = 1;
    }).toThrow(TypeError);
    expect(error.message).toBe('hystrix: ' + reason);
  });

  it('are one instance each, the same from the package entry point', () => {
    expect(index.ErrCircuitOpen).toBe(ErrCircuitOpen);
    expect(index.ErrMaxConcurrency).toBe(ErrMaxConcurrency);
    expect(index.ErrTimeout).toBe(ErrTimeout);
    expect(index.ErrClosed).toBe(ErrClosed);
    expect(new Set(SENTINELS.map(([, e]) => e)).size).toBe(4);
  });

  it('are the kinds of the errors calls end with: each call gets its own, naming its command', async () => {
    const { h, clock } = manualHystrix();

    h.getCircuit('open').circuit.forceOpen(true);
    const shortCircuited = [await h.go('open', () => 1), await h.go('open', () => 1)];
    expect(shortCircuited[0]).toBeCircuitError(ErrCircuitOpen, 'open');
    expect(shortCircuited[1]).toBeCircuitError(ErrCircuitOpen, 'open');
    expect(shortCircuited[0]).not.toBe(shortCircuited[1]);
    expect(shortCircuited[0]).not.toBe(ErrCircuitOpen);

    h.configureCommand('one', { maxConcurrentRequests: 1, timeout: 10 });
    const hanging = h.go('one', never);
    expect(await h.go('one', () => 1)).toBeCircuitError(ErrMaxConcurrency, 'one');
    expect(await rejectionOf(h.do('one', () => 1))).toBeCircuitError(ErrMaxConcurrency, 'one');

    h.configureCommand('two', { timeout: 10 });
    const second = h.go('two', never);
    clock.advance(10);
    expect(await hanging).toBeCircuitError(ErrTimeout, 'one');
    expect(await second).toBeCircuitError(ErrTimeout, 'two');

    let reason: unknown;
    const closing = h.go('closing', async (ctx) => {
      try {
        return await untilAborted(ctx);
      } catch (error: unknown) {
        reason = error;
        throw error;
      }
    });
    await flushPromises();
    h.close();
    const closed = await closing;
    expect(isContextCanceled(closed)).toBe(true);
    expect((closed as ContextError).cause).toBe(ErrClosed);
    expect((closed as ContextError).command).toBe('closing');
    expect(reason).toBe(ErrClosed);
  });

  it("a call's error takes properties (err.status = 503) without touching any other call's", async () => {
    const { h } = manualHystrix();
    h.getCircuit('open').circuit.forceOpen(true);
    const first = (await h.go('open', () => 1)) as CircuitError & { status?: number };
    const second = (await h.go('open', () => 1)) as CircuitError & { status?: number };
    first.status = 503;
    (first as { message: string }).message = 'changed here';
    expect(first.status).toBe(503);
    expect(first.message).toBe('changed here');
    expect(second.status).toBeUndefined();
    expect(second.message).toBe('hystrix: circuit open');
    expect(ErrCircuitOpen.message).toBe('hystrix: circuit open');
    expect('status' in ErrCircuitOpen).toBe(false);
  });

  it("a call's error reads well in a log: name, message, command, and a stack that names the command", async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('inventory', { timeout: 10 });
    const call = h.go('inventory', never);
    clock.advance(10);
    const error = (await call)!;
    expect(error).toBeInstanceOf(CircuitError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CircuitError');
    expect(String(error)).toBe('CircuitError: hystrix: timeout');
    expect(error.stack).toBe('CircuitError: hystrix: timeout\n    in command "inventory"');
    const shown = inspect(error);
    expect(shown).toContain('hystrix: timeout');
    expect(shown).toContain("command: 'inventory'");
    expect(Object.keys(error)).toEqual(['command']);
    (error as { stack: string }).stack = 'replaced';
    expect(error.stack).toBe('replaced');
  });
});

describe('CircuitError', () => {
  it.each(['circuit open', 'metrics channel (x) is at capacity', '', 'ünïcode'])(
    'new CircuitError(%j) has the message "hystrix: " + reason',
    (reason) => {
      const error = new CircuitError(reason);
      expect(error.message).toBe('hystrix: ' + reason);
      expect(error.reason).toBe(reason);
      expect(error.name).toBe('CircuitError');
      expect(error).toBeInstanceOf(Error);
      expect(String(error)).toBe('CircuitError: hystrix: ' + reason);
      expect(typeof error.stack).toBe('string');
    },
  );

  it('a new instance is not one of the sentinels', () => {
    const error = new CircuitError('timeout');
    expect(error).not.toBe(ErrTimeout);
    expect(Object.isFrozen(error)).toBe(false);
  });
});

describe('FallbackError', () => {
  it("has hystrix-go's TestFailedFallback message, with both errors attached", () => {
    const fallbackError = new Error('fallback_error');
    const runError = new Error('run_error');
    const error = new FallbackError(fallbackError, runError);
    expect(error.message).toBe("fallback failed with 'fallback_error'. run error was 'run_error'");
    expect(error.cause).toBe(fallbackError);
    expect(error.runError).toBe(runError);
    expect(error.name).toBe('FallbackError');
    expect(error).toBeInstanceOf(Error);
  });

  it('is what a failed fallback rejects with (hystrix-go TestFailedFallback, TestDoC)', async () => {
    const { h } = manualHystrix();
    const runError = new Error('run_error');
    const fallbackError = new Error('fallback_error');
    const error = await rejectionOf(
      h.do(
        'cmd',
        () => {
          throw runError;
        },
        () => {
          throw fallbackError;
        },
      ),
    );
    expect(isFallbackError(error)).toBe(true);
    expect((error as FallbackError).message).toBe(
      "fallback failed with 'fallback_error'. run error was 'run_error'",
    );
    expect((error as FallbackError).cause).toBe(fallbackError);
    expect((error as FallbackError).runError).toBe(runError);

    const viaGo = await h.go(
      'cmd',
      async () => Promise.reject(new Error('i failed')),
      async () => Promise.reject(new Error('fallback failed')),
    );
    expect(viaGo?.message).toBe("fallback failed with 'fallback failed'. run error was 'i failed'");
  });

  it('keeps the sentinel that triggered the fallback, so callers can test for it', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('slow', { timeout: 10 });
    const call = rejectionOf(
      h.do('slow', never, () => {
        throw new Error('fallback_error');
      }),
    );
    clock.advance(10);
    const error = (await call) as FallbackError;
    expect(error.message).toBe(
      "fallback failed with 'fallback_error'. run error was 'hystrix: timeout'",
    );
    expect(error.runError).toBeCircuitError(ErrTimeout, 'slow');
    expect(isTimeout(error.runError)).toBe(true);
  });

  it.each(NON_ERRORS)('is built from %s on either side without throwing', (_label, value, text) => {
    const asFallback = new FallbackError(value, new Error('run_error'));
    expect(asFallback.message).toBe(`fallback failed with '${text}'. run error was 'run_error'`);
    expect(asFallback.cause).toBe(value);
    expect('cause' in asFallback).toBe(true);

    const asRun = new FallbackError(new Error('fallback_error'), value);
    expect(asRun.message).toBe(`fallback failed with 'fallback_error'. run error was '${text}'`);
    expect(asRun.runError).toBe(value);

    const both = new FallbackError(value, value);
    expect(both.message).toBe(`fallback failed with '${text}'. run error was '${text}'`);
  });

  it('an Error whose message getter throws still gives a message', () => {
    const hostile = new Error('x');
    Object.defineProperty(hostile, 'message', {
      get(): string {
        throw new Error('no message');
      },
    });
    const error = new FallbackError(hostile, 'run_error');
    expect(error.message).toBe("fallback failed with '[object Error]'. run error was 'run_error'");
  });
});

describe('ContextError', () => {
  it.each<[errors.ContextErrorCode, string]>([
    ['context_canceled', 'context canceled'],
    ['context_deadline_exceeded', 'context deadline exceeded'],
  ])('%s has the message %j and the reason as cause', (code, message) => {
    const reason = new DOMException('stop', 'AbortError');
    const error = new ContextError(code, reason);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.cause).toBe(reason);
    expect(error.name).toBe('ContextError');
    expect(error).toBeInstanceOf(Error);
  });

  it('keeps a reason that is not an Error, undefined included', () => {
    expect(new ContextError('context_canceled', 'why').cause).toBe('why');
    const error = new ContextError('context_canceled', undefined);
    expect('cause' in error).toBe(true);
    expect(error.cause).toBeUndefined();
  });

  it('contextCodeOf: a TimeoutError reason is a deadline, any other a cancel', () => {
    expect(contextCodeOf(new DOMException('t', 'TimeoutError'))).toBe('context_deadline_exceeded');
    expect(contextCodeOf({ name: 'TimeoutError' })).toBe('context_deadline_exceeded');
    expect(contextCodeOf(new DOMException('a', 'AbortError'))).toBe('context_canceled');
    expect(contextCodeOf(new Error('TimeoutError'))).toBe('context_canceled');
    expect(contextCodeOf('TimeoutError')).toBe('context_canceled');
    expect(contextCodeOf(undefined)).toBe('context_canceled');
    expect(contextCodeOf(null)).toBe('context_canceled');
  });

  it('is what a call ends with when the caller aborts', async () => {
    const { h } = manualHystrix();
    const cancel = new AbortController();
    const canceled = h.doC(cancel.signal, 'cmd', never);
    const reason = new Error('user went away');
    cancel.abort(reason);
    const e1 = await rejectionOf(canceled);
    expect(isContextCanceled(e1)).toBe(true);
    expect((e1 as ContextError).message).toBe('context canceled');
    expect((e1 as ContextError).cause).toBe(reason);

    const deadline = new AbortController();
    const late = h.doC(deadline.signal, 'cmd', never);
    const timeoutReason = new DOMException('deadline', 'TimeoutError');
    deadline.abort(timeoutReason);
    const e2 = await rejectionOf(late);
    expect(isContextDeadlineExceeded(e2)).toBe(true);
    expect((e2 as ContextError).message).toBe('context deadline exceeded');
    expect((e2 as ContextError).cause).toBe(timeoutReason);
  });
});

type Guard = (value: unknown) => boolean;

/** Samples made by one copy of the module, by name. */
function samplesOf(m: ErrorsModule): Record<string, unknown> {
  return {
    circuitOpen: m.ErrCircuitOpen,
    maxConcurrency: m.ErrMaxConcurrency,
    timeout: m.ErrTimeout,
    closed: m.ErrClosed,
    freshCircuitOpen: new m.CircuitError('circuit open'),
    freshTimeout: new m.CircuitError('timeout'),
    otherCircuit: new m.CircuitError('metrics channel (x) is at capacity'),
    canceled: new m.ContextError('context_canceled', new Error('abort')),
    deadline: new m.ContextError('context_deadline_exceeded', new Error('late')),
    fallback: new m.FallbackError(new Error('fb'), new Error('run')),
    fallbackOfTimeout: new m.FallbackError(new Error('fb'), m.ErrTimeout),
  };
}

/** Values no guard may accept. */
const FOREIGN: Record<string, unknown> = {
  plainError: new Error('hystrix: timeout'),
  typeError: new TypeError('hystrix: circuit open'),
  lookalike: Object.assign(new Error('hystrix: timeout'), {
    name: 'CircuitError',
    reason: 'timeout',
    code: 'context_canceled',
  }),
  plainObject: { message: 'hystrix: timeout', reason: 'timeout' },
  abortError: new DOMException('aborted', 'AbortError'),
  timeoutError: new DOMException('late', 'TimeoutError'),
  null: null,
  undefined: undefined,
  string: 'hystrix: timeout',
  reasonString: 'timeout',
  number: 0,
  symbol: Symbol('timeout'),
};

/** Which samples each guard accepts. */
const ACCEPTS: Record<string, readonly string[]> = {
  isCircuitError: [
    'circuitOpen',
    'maxConcurrency',
    'timeout',
    'closed',
    'freshCircuitOpen',
    'freshTimeout',
    'otherCircuit',
  ],
  isCircuitOpen: ['circuitOpen', 'freshCircuitOpen'],
  isMaxConcurrency: ['maxConcurrency'],
  isTimeout: ['timeout', 'freshTimeout'],
  isContextError: ['canceled', 'deadline'],
  isContextCanceled: ['canceled'],
  isContextDeadlineExceeded: ['deadline'],
  isFallbackError: ['fallback', 'fallbackOfTimeout'],
};

function guardsOf(m: ErrorsModule): Record<string, Guard> {
  return {
    isCircuitError: m.isCircuitError,
    isCircuitOpen: m.isCircuitOpen,
    isMaxConcurrency: m.isMaxConcurrency,
    isTimeout: m.isTimeout,
    isContextError: m.isContextError,
    isContextCanceled: m.isContextCanceled,
    isContextDeadlineExceeded: m.isContextDeadlineExceeded,
    isFallbackError: m.isFallbackError,
  };
}

/** Every guard of `guards` against every sample of `samples`: [guard, sample, got, expected]. */
function verdicts(
  guards: Record<string, Guard>,
  samples: Record<string, unknown>,
): [string, string, boolean, boolean][] {
  const out: [string, string, boolean, boolean][] = [];
  for (const [guardName, guard] of Object.entries(guards)) {
    const accepts = ACCEPTS[guardName]!;
    for (const [sampleName, sample] of Object.entries({ ...samples, ...FOREIGN })) {
      out.push([guardName, sampleName, guard(sample), accepts.includes(sampleName)]);
    }
  }
  return out;
}

function expectVerdicts(guards: Record<string, Guard>, samples: Record<string, unknown>): void {
  const all = verdicts(guards, samples);
  expect(all.length).toBe(8 * (11 + Object.keys(FOREIGN).length));
  const wrong = all.filter(([, , got, expected]) => got !== expected);
  expect(wrong).toEqual([]);
}

describe('guards', () => {
  it('each is true for its own errors and false for every other value', () => {
    expectVerdicts(guardsOf(errors), samplesOf(errors));
  });

  it.each(Object.keys(ACCEPTS))('%s is exported by the package entry point', (name) => {
    expect((index as unknown as Record<string, unknown>)[name]).toBe(
      (errors as unknown as Record<string, unknown>)[name],
    );
  });

  it('narrow the type', () => {
    const value: unknown = new ContextError('context_canceled', 'r');
    if (isContextError(value)) expect(value.code).toBe('context_canceled');
    else expect.unreachable('a ContextError is a ContextError');
    const fb: unknown = new FallbackError('f', 'r');
    if (isFallbackError(fb)) expect(fb.runError).toBe('r');
    else expect.unreachable('a FallbackError is a FallbackError');
    const ce: unknown = ErrTimeout;
    if (isCircuitError(ce)) expect(ce.reason).toBe('timeout');
    else expect.unreachable('ErrTimeout is a CircuitError');
  });

  it('the brand is not enumerable: spreading or serialising an error does not carry it', () => {
    // Object.assign copies own enumerable keys, symbols included, as a spread does.
    const copy: unknown = Object.assign({}, new CircuitError('timeout'));
    expect(isCircuitError(copy)).toBe(false);
    expect(isTimeout(JSON.parse(JSON.stringify(ErrTimeout)))).toBe(false);
  });

  it('recognise errors from a duplicated copy of the package, both ways', async () => {
    vi.resetModules();
    const a = await import('../src/errors.js');
    vi.resetModules();
    const b = await import('../src/errors.js');

    // Two distinct module instances: the classes and sentinels differ.
    expect(a).not.toBe(b);
    expect(a.CircuitError).not.toBe(b.CircuitError);
    expect(a.ErrTimeout).not.toBe(b.ErrTimeout);
    expect(b.ErrTimeout).not.toBeInstanceOf(a.CircuitError);
    expect(new a.FallbackError('f', 'r')).not.toBeInstanceOf(b.FallbackError);

    expectVerdicts(guardsOf(a), samplesOf(b));
    expectVerdicts(guardsOf(b), samplesOf(a));
    // And this file's statically imported copy against both.
    expectVerdicts(guardsOf(errors), samplesOf(b));
    expectVerdicts(guardsOf(a), samplesOf(errors));

    expect(a.toError(b.ErrTimeout)).toBe(b.ErrTimeout);
    expect(b.toError(a.ErrCircuitOpen)).toBe(a.ErrCircuitOpen);
  });
});

describe('toError', () => {
  it('returns an Error as it is', () => {
    const plain = new Error('x');
    expect(toError(plain)).toBe(plain);
    expect(toError(ErrTimeout)).toBe(ErrTimeout);
    const fb = new FallbackError('f', 'r');
    expect(toError(fb)).toBe(fb);
    const ctx = new ContextError('context_canceled', 'r');
    expect(toError(ctx)).toBe(ctx);
    const type = new TypeError('t');
    expect(toError(type)).toBe(type);
  });

  it.each(NON_ERRORS)('wraps %s in an Error whose cause is the value', (_label, value, text) => {
    const error = toError(value);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe(text);
    expect('cause' in error).toBe(true);
    expect(error.cause).toBe(value);
  });

  it('is what go resolves with when run rejects with a value that is not an Error', async () => {
    const { h } = manualHystrix();
    const error = await h.go('cmd', () => Promise.reject('run_error'));
    expect(error).toBeInstanceOf(Error);
    expect(error?.message).toBe('run_error');
    expect(error?.cause).toBe('run_error');
  });
});

describe('describeError', () => {
  it('gives an Error its message', () => {
    expect(describeError(new Error('run_error'))).toBe('run_error');
    expect(describeError(ErrTimeout)).toBe('hystrix: timeout');
    expect(describeError(new Error(''))).toBe('');
    expect(
      describeError(new FallbackError(new Error('fallback_error'), new Error('run_error'))),
    ).toBe("fallback failed with 'fallback_error'. run error was 'run_error'");
  });

  it.each(NON_ERRORS)('gives %s a text, without throwing', (_label, value, text) => {
    expect(describeError(value)).toBe(text);
  });

  it('ignores a message that is not a string', () => {
    expect(describeError({ message: 5 })).toBe('[object Object]');
    expect(describeError({ message: 5, toString: () => 'mine' })).toBe('mine');
  });
});

describe('hostile thrown values (Proxy)', () => {
  const throwingTraps = (): object =>
    new Proxy(
      {},
      {
        get(): never {
          throw new Error('trap: get');
        },
      },
    );
  const revoked = (): object => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };

  it.each([
    ['a Proxy whose get trap throws', throwingTraps],
    ['a revoked Proxy', revoked],
  ])('describeError(%s) never throws, as documented', (_label, make) => {
    const value = make();
    let text: unknown;
    expect(() => (text = describeError(value))).not.toThrow();
    expect(typeof text).toBe('string');
  });

  it.each([
    ['a Proxy whose get trap throws', throwingTraps],
    ['a revoked Proxy', revoked],
  ])('a FallbackError is still built from %s', (_label, make) => {
    const value = make();
    let error: FallbackError | undefined;
    expect(() => (error = new FallbackError(value, new Error('run_error')))).not.toThrow();
    expect(error?.message).toMatch(/^fallback failed with '.*'\. run error was 'run_error'$/);
    expect(error?.cause).toBe(value);
  });

  it.each([
    ['a Proxy whose get trap throws', throwingTraps],
    ['a revoked Proxy', revoked],
  ])('toError(%s) wraps it without throwing', (_label, make) => {
    const value = make();
    let error: Error | undefined;
    expect(() => (error = toError(value))).not.toThrow();
    expect(error).toBeInstanceOf(Error);
    expect(error?.cause).toBe(value);
  });
});
