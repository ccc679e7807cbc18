/**
 * The caller signal of a protected request: aborted when its client goes away. It is an `AbortSignal` in the
 * shape the core reads (`aborted`, `reason`, the listener methods), not Node's EventTarget: a request is too short
 * a life for an `AbortController`, and the core keeps its one listener on a signal for the signal's life, so a
 * signal made per request would cost each request a registration (microseconds). These are kept and reused: a
 * signal returned after its request ended is handed to the next one, its listener still in place.
 */
type Listener = (event: { type: 'abort' }) => void;

const ABORT_EVENT = Object.freeze({ type: 'abort' as const });

/** @internal A reusable caller signal. */
export class ClientSignal {
  /** True once the client went away. */
  aborted = false;
  /** What it aborted with: `CLIENT_CLOSED`. */
  reason: unknown = undefined;
  private listeners: Listener[] = [];

  /** As `AbortSignal.addEventListener('abort', ...)`; one listener once, however often added. */
  addEventListener(type: string, listener: Listener): void {
    if (type === 'abort' && !this.listeners.includes(listener)) this.listeners.push(listener);
  }

  /** As `AbortSignal.removeEventListener('abort', ...)`. */
  removeEventListener(type: string, listener: Listener): void {
    if (type === 'abort') this.listeners = this.listeners.filter((l) => l !== listener);
  }

  /** Aborts it: its listeners are told once, as `{ once: true }` listeners are. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener(ABORT_EVENT);
  }
}

const POOL_SIZE = 1024;
const pool: ClientSignal[] = [];

/** @internal A signal not aborted, from the pool or new. */
export function takeSignal(): ClientSignal {
  return pool.pop() ?? new ClientSignal();
}

/** @internal Gives back a signal whose call has ended (nothing listens for it any more but the core's watch). */
export function returnSignal(signal: ClientSignal): void {
  if (signal.aborted) return; // spent: its listener was told, and the core forgot it
  if (pool.length < POOL_SIZE) pool.push(signal);
}
