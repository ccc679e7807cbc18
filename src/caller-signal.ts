/**
 * @internal A call that listens to its caller's signal: told once when that signal aborts.
 */
export interface SignalListener {
  callerAborted(reason: unknown): void;
}

/**
 * The calls waiting on one caller signal, served by one `abort` listener. A listener per call would cost an
 * `addEventListener` and a `removeEventListener` each (microseconds on Node's EventTarget), and more than ten
 * calls sharing a signal would make Node print a `MaxListenersExceededWarning`.
 */
class SignalWatch {
  readonly calls = new Set<SignalListener>();

  constructor(private readonly signal: AbortSignal) {}

  readonly onAbort = (): void => {
    watches.delete(this.signal);
    const calls = [...this.calls];
    this.calls.clear();
    let reason: unknown;
    try {
      reason = this.signal.reason;
    } catch (error: unknown) {
      // A duck-typed signal whose `reason` throws: what it threw is the best reason there is.
      reason = error;
    }
    for (const call of calls) call.callerAborted(reason);
  };
}

// Keyed by the signal and held only as long as it lives: the listener stays on a signal for its life, so that
// calls that come one after another on a long-lived signal (a server's shutdown signal) add none.
const watches = new WeakMap<AbortSignal, SignalWatch>();

/** @internal Tells `call` when `signal` aborts (once). The signal must not be aborted yet. */
export function watchSignal(signal: AbortSignal, call: SignalListener): void {
  let watch = watches.get(signal);
  if (watch === undefined) {
    watch = new SignalWatch(signal);
    watches.set(signal, watch);
    signal.addEventListener('abort', watch.onAbort, { once: true });
  }
  watch.calls.add(call);
}

/** @internal `call` no longer needs to hear of `signal`. */
export function unwatchSignal(signal: AbortSignal, call: SignalListener): void {
  watches.get(signal)?.calls.delete(call);
}
