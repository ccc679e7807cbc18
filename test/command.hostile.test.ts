/** One execution against odd input: a run or fallback that is an odd function or returns an odd value, a duck-typed
 * signal, and a caller's signal aborted with odd reasons. Every call ends once and is counted once. */
import { describe, expect, test } from 'vitest';
import {
  ContextError,
  ErrTimeout,
  FallbackError,
  Hystrix,
  isContextCanceled,
  isContextDeadlineExceeded,
  type RunContext,
} from '../src/index.js';
import {
  type CallRecord,
  failOnUnhandled,
  flushPromises,
  manualHystrix,
  record,
  settle,
  untilAborted,
} from './helpers.js';
import { expectStillWorks, revokedProxy, throwingProxy, throwingProxyFunction } from './hostile.js';

failOnUnhandled();

describe('run, fallback and options of every wrong type', () => {
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
      expect(r.settles, 'the call never settled').toBe(1);
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
        expect(call.settles).toBe(1);
        check(call.value);
        const s = h.getCircuit('odd').circuit.stats();
        expect([s.requests, s[event], s.activeCount]).toEqual([1, 1, active]);
        await expectStillWorks(h);
      },
    );
  });
});

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
        expect(r.settles).toBe(1);
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
      expect(r.settles).toBe(1);
      expectContextOutcome(h, 'later', r.value, controller.signal.reason, code);
      expect(runSignal?.aborted).toBe(true);
      expect(runSignal?.reason).toBe(controller.signal.reason);
      await expectStillWorks(h);
    },
  );
});
