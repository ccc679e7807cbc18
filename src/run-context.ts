import type { CircuitError, ContextError } from './errors.js';

/** What `run` and the fallback receive. */
export interface RunContext {
  /**
   * Aborted when the call times out (reason `ErrTimeout`), when the caller's signal aborts (its reason) or
   * when the registry closes; pass it on to `fetch`, database drivers and the like so that the work really
   * stops. Created on first read, so a run that never reads it pays nothing.
   */
  readonly signal: AbortSignal;
  /** The command name. */
  readonly name: string;
}

/** The work a command protects. It may return a value or a promise. */
export type RunFunction<T> = (ctx: RunContext) => T | PromiseLike<T>;

/**
 * The error a fallback receives: what ended the call without a value. It is one of
 *
 * - the run's own error: whatever `run` threw or rejected with, which can be any value (an `Error`, a string,
 *   `undefined`...), hence the `{} | null | undefined` part, which is `unknown` spelled so that the library's
 *   own errors stay visible;
 * - a {@link CircuitError}: `ErrCircuitOpen` (the circuit short-circuited the call), `ErrMaxConcurrency` (no
 *   free ticket) or `ErrTimeout` (the run passed its `timeout`);
 * - a {@link ContextError}: the caller's signal aborted (`context_canceled`, or `context_deadline_exceeded` when
 *   its reason is a `TimeoutError`), or the registry closed (`context_canceled`, with `ErrClosed` as `cause`).
 *
 * Narrow it before use: `isCircuitOpen(error)`, `isTimeout(error)`, `isContextError(error)`, `instanceof Error`.
 * A fallback that declares its parameter `unknown` is accepted too.
 */
// `{}` is "any value but null or undefined" here, on purpose: with `null | undefined` it is `unknown`.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type FallbackTrigger = CircuitError | ContextError | {} | null | undefined;

/**
 * What to answer instead when the run fails, times out, is rejected or short-circuited; it receives the error
 * that triggered it ({@link FallbackTrigger}). Bounded by the `fallbackTimeout` setting. Its value type may
 * differ from run's: the call then resolves with either.
 */
export type FallbackFunction<T> = (error: FallbackTrigger, ctx: RunContext) => T | PromiseLike<T>;

/** @internal A signal aborted before anyone asked for it: the controller is made only if someone does. */
class AbortedEarly {
  constructor(readonly reason: unknown) {}
}

/**
 * @internal The state of a signal made on demand: `null` (nobody asked, nothing aborted), its controller (someone
 * asked), or the reason it was aborted with before anyone asked. Building an `AbortController`, and above all
 * aborting one, costs microseconds: a call that ends normally and never reads its signal pays neither.
 */
export type LazySignal = AbortController | AbortedEarly | null;

/** @internal The controller of a lazy state, made now if needed: it becomes the new state. */
export function readLazySignal(state: LazySignal): AbortController {
  if (state instanceof AbortController) return state;
  const controller = new AbortController();
  if (state !== null) controller.abort(state.reason);
  return controller;
}

/** @internal Aborts a lazy signal: at once if it exists, else whenever it is made. Returns the new state. */
export function abortLazySignal(state: LazySignal, reason: unknown): LazySignal {
  if (state instanceof AbortController) {
    state.abort(reason);
    return state;
  }
  return state ?? new AbortedEarly(reason);
}
