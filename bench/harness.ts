/** Measuring: timers, medians, yielding, forced GC. */

/** Nanoseconds since an arbitrary point. */
export function nowNs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e9 + ns;
}

/** Lets the event loop run, as a server would between requests. */
export function yieldLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The median of some numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Runs a full garbage collection (the benchmark runs with --expose-gc). */
export function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined)
    throw new Error('run the benchmark with node --expose-gc (npm run bench)');
  collect();
  collect();
}

/**
 * Memory in use after a full collection, in bytes: the JS heap plus array buffers (a typed array's storage
 * lives outside the heap once it passes a few dozen bytes, so the heap alone would undercount it).
 */
export function heapAfterGc(): number {
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/** Waits `ms` of real time. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** CPU time (user + system) used by the process, in microseconds. */
export function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** A measuring loop: calls `call` `calls` times, yielding every ~1,000 calls; returns ns a call. */
export type Loop = (call: () => Promise<unknown>, calls: number) => Promise<number>;

const LOOP_BODY = `
  return async function loop(call, calls) {
    const start = nowNs();
    for (let i = 0; i < calls; i++) {
      await call();
      if ((i & 1023) === 1023) await yieldLoop();
    }
    return (nowNs() - start) / calls;
  };`;

const BATCH_BODY = `
  return async function batchLoop(call, calls) {
    const batches = Math.max(1, Math.round(calls / 100));
    const batch = new Array(100);
    const start = nowNs();
    for (let b = 0; b < batches; b++) {
      for (let i = 0; i < 100; i++) batch[i] = call();
      await Promise.all(batch);
      if (b % 10 === 9) await yieldLoop();
    }
    return (nowNs() - start) / (batches * 100);
  };`;

/**
 * A fresh copy of a measuring loop. Each variant gets its own compiled copy, so that its call sites stay
 * monomorphic: one loop shared by every variant would measure the mix, not the variant.
 */
export function freshLoop(kind: 'sequential' | 'batch'): Loop {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const make = new Function(
    'nowNs',
    'yieldLoop',
    kind === 'sequential' ? LOOP_BODY : BATCH_BODY,
  ) as (n: typeof nowNs, y: typeof yieldLoop) => Loop;
  return make(nowNs, yieldLoop);
}
