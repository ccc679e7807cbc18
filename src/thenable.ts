type Settle = (value: unknown) => void;

/**
 * @internal The promise behind what `run` or a fallback returned, or null for a plain value. A thenable's `then`
 * is read once; a `then` getter that throws counts as a rejection.
 */
export function asPromise(value: unknown): Promise<unknown> | null {
  if (value instanceof Promise) return value;
  if ((typeof value !== 'object' || value === null) && typeof value !== 'function') return null;
  let then: unknown;
  try {
    then = (value as { then?: unknown }).then;
  } catch (error: unknown) {
    return Promise.reject(error);
  }
  if (typeof then !== 'function') return null;
  return new Promise((resolve, reject) => {
    (then as (onFulfilled: Settle, onRejected: Settle) => unknown).call(value, resolve, reject);
  });
}
