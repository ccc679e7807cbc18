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
 * What to answer instead when the run fails, times out, is rejected or short-circuited; it receives the error
 * that triggered it. Bounded by the `fallbackTimeout` setting.
 */
export type FallbackFunction<T> = (error: unknown, ctx: RunContext) => T | PromiseLike<T>;

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
