/**
 * What `do`, `go`, `doC` and `goC` infer from the way users write them, and what a fallback's `error` can be.
 * Compiled, never run, by `test/types.test.ts` (against the built package) and by `npm run typecheck`.
 */
import * as hystrix from 'hystrix-ts';
import {
  type CircuitError,
  type ContextError,
  type FallbackFunction,
  type FallbackTrigger,
  Hystrix,
  isCircuitOpen,
  isContextError,
  isTimeout,
} from 'hystrix-ts';
import { type Equal, type Expect, use } from './equal.js';

interface Item {
  readonly id: string;
  readonly price: number;
}

declare function fetchItem(id: string, signal: AbortSignal): Promise<Item>;

const h = new Hystrix();
const signal = AbortSignal.timeout(1000);

// A fallback of another type: the call resolves with either, and run is not blamed.
export const itemOrNa = hystrix.do(
  'item',
  ({ signal }) => fetchItem('1', signal),
  () => 'n/a',
);
export const itemOrNull = h.do(
  'item',
  ({ signal }) => fetchItem('1', signal),
  () => null,
);
export const itemOrNaC = hystrix.doC(
  signal,
  'item',
  ({ signal }) => fetchItem('1', signal),
  () => 'n/a',
);
// No fallback, a null one, or one of the same type: the run's type alone.
export const item = hystrix.do('item', ({ signal }) => fetchItem('1', signal));
export const itemNullFallback = hystrix.do('item', ({ signal }) => fetchItem('1', signal), null);
export const itemSameFallback = h.do(
  'item',
  ({ signal }) => fetchItem('1', signal),
  async () => ({ id: 'unknown', price: 0 }),
);
export const itemWithOptions = hystrix.do(
  'item',
  ({ signal }) => fetchItem('1', signal),
  undefined,
  {
    signal,
  },
);
// A synchronous run and fallback.
export const count = hystrix.doCommand(
  'count',
  () => 41 + 1,
  () => -1,
);
export const countC = h.doC(signal, 'count', () => 1);
// go never rejects and resolves with the error, whatever the types.
export const goResult = hystrix.go(
  'item',
  ({ signal }) => fetchItem('1', signal),
  () => 'n/a',
);
export const goCResult = h.goC(
  signal,
  'item',
  () => 1,
  () => 'n/a',
);

export type Inferred = [
  Expect<Equal<typeof itemOrNa, Promise<Item | string>>>,
  Expect<Equal<typeof itemOrNull, Promise<Item | null>>>,
  Expect<Equal<typeof itemOrNaC, Promise<Item | string>>>,
  Expect<Equal<typeof item, Promise<Item>>>,
  Expect<Equal<typeof itemNullFallback, Promise<Item>>>,
  Expect<Equal<typeof itemSameFallback, Promise<Item>>>,
  Expect<Equal<typeof itemWithOptions, Promise<Item>>>,
  Expect<Equal<typeof count, Promise<number>>>,
  Expect<Equal<typeof countC, Promise<number>>>,
  Expect<Equal<typeof goResult, Promise<Error | undefined>>>,
  Expect<Equal<typeof goCResult, Promise<Error | undefined>>>,
];

// The helper tells types apart: these must not compile.
export type HelperSelfCheck = [
  // @ts-expect-error A union is not its member.
  Expect<Equal<Promise<Item | string>, Promise<Item>>>,
  // @ts-expect-error `unknown` is not `any`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the helper must tell `any` apart
  Expect<Equal<unknown, any>>,
];

export function explicitTypes(): void {
  // With the type given, the fallback must answer with it.
  void hystrix.do<Item>(
    'item',
    ({ signal }) => fetchItem('1', signal),
    // @ts-expect-error 'n/a' is not an Item.
    () => 'n/a',
  );
  // Both given: the union is the caller's choice.
  const either: Promise<Item | string> = hystrix.do<Item, string>(
    'item',
    ({ signal }) => fetchItem('1', signal),
    () => 'n/a',
  );
  use(either);
  // A run must be a function of the context.
  // @ts-expect-error run is a function, not a value.
  void hystrix.do('item', 42);
  // @ts-expect-error options go after the fallback: `do(name, run, fallback, { signal })`.
  void hystrix.do('item', () => 1, { signal });
}

export function fallbackError(): void {
  // The fallback's error names what it can be, and is unknown in what it accepts.
  type Param = Parameters<FallbackFunction<number>>[0];
  type Checks = [
    Expect<Equal<Param, FallbackTrigger>>,
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the alias is spelled this way
    Expect<Equal<FallbackTrigger, CircuitError | ContextError | {} | null | undefined>>,
    // Every value can be a run's error: the alias accepts all that `unknown` does.
    Expect<Equal<unknown extends FallbackTrigger ? true : false, true>>,
  ];
  const checks: Checks | undefined = undefined;
  use(checks);
  const anything: FallbackTrigger[] = [
    new Error('run'),
    'a string',
    undefined,
    null,
    42,
    Symbol('s'),
  ];
  use(anything);

  void hystrix.do(
    'item',
    ({ signal }) => fetchItem('1', signal),
    (error) => {
      // @ts-expect-error Not narrowed: the run's error can be anything, even undefined.
      use(error.message);
      if (isTimeout(error) || isCircuitOpen(error)) {
        const circuitError: CircuitError = error;
        return circuitError.message;
      }
      if (isContextError(error)) {
        const contextError: ContextError = error;
        return contextError.code;
      }
      if (error instanceof Error) return error.message;
      return 'n/a';
    },
  );

  // A fallback written for `unknown` (as before) is accepted.
  const legacy = (error: unknown): string => String(error);
  void hystrix.do('item', () => 1, legacy);
  // One that assumes an Error is not: a run can throw anything.
  const assumesError = (error: Error): string => error.message;
  // @ts-expect-error The fallback's error is not always an Error.
  void hystrix.do('item', () => 1, assumesError);
}
