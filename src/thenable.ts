type Settle = (value: unknown) => void;

/**
 * @internal The promise behind what `run` or a fallback returned, or null for a plain value. A thenable's `then`
 * is read once; a `then` getter that throws, or any trap of a Proxy that does, counts as a rejection. Never
 * throws.
 */
export function asPromise(value: unknown): Promise<unknown> | null {
  if ((typeof value !== 'object' || value === null) && typeof value !== 'function') return null;
  let then: unknown;
  try {
    // `instanceof` and the `then` read both run traps of a Proxy, which may throw (a revoked one always does).
    if (value instanceof Promise) return value;
    then = (value as { then?: unknown }).then;
  } catch (error: unknown) {
    return Promise.reject(error);
  }
  if (typeof then !== 'function') return null;
  return new Promise((resolve, reject) => {
    (then as (onFulfilled: Settle, onRejected: Settle) => unknown).call(value, resolve, reject);
  });
}

/**
 * Catches the rejection of a promise that a user's function returned where nothing awaits it (an async
 * collector, an async logger), so that it cannot become an unhandled rejection. Never throws.
 */
export function catchRejection(value: unknown, onError: (error: unknown) => void): void {
  if (value === undefined) return;
  const promise = asPromise(value);
  if (promise !== null) promise.then(undefined, onError);
}
