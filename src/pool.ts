import type { Clock } from './clock.js';
import { RollingNumber } from './rolling/number.js';

const EXECUTED = 0;
const MAX_ACTIVE = 1;

/**
 * The executor pool of one circuit (hystrix-go's `executorPool`): tickets for calls in flight. A ticket is taken
 * without waiting (no free ticket: the call is rejected) and held until `run` really settles, so the limit bounds
 * the work in flight even when calls time out (hystrix-go returns it at the timeout while run goes on).
 */
export class ExecutorPool {
  private tickets = 0;
  private limit: number;
  private metrics: RollingNumber;

  /** @internal */
  constructor(max: number, clock: Clock, window: number, buckets: number) {
    this.limit = max;
    this.metrics = new RollingNumber({ clock, window, buckets, lanes: 2 });
  }

  /** Tickets in use: runs in flight. */
  get activeCount(): number {
    return this.tickets;
  }

  /** @internal Only the pool's own tickets change it: users read it. */
  set activeCount(count: number) {
    this.tickets = count;
  }

  /** The concurrency limit: the command's `maxConcurrentRequests`. */
  get max(): number {
    return this.limit;
  }

  /** @internal Changed through the command's settings, never directly. */
  set max(limit: number) {
    this.limit = limit;
  }

  /** @internal Takes a ticket if one is free. */
  tryAcquire(): boolean {
    if (this.activeCount >= this.max) return false;
    this.activeCount++;
    return true;
  }

  /** @internal Returns a ticket, recording the run and the active count it ran with (hystrix-go's order). */
  release(now: number): void {
    const metrics = this.metrics;
    metrics.rotate(now);
    metrics.bump(EXECUTED, 1);
    metrics.raise(MAX_ACTIVE, this.activeCount);
    this.activeCount--;
  }

  /** Runs that held a ticket and returned it, in the rolling window (hystrix-go's `Executed`). */
  executed(): number {
    return this.metrics.sum(EXECUTED);
  }

  /** The most tickets in use at once in the rolling window (hystrix-go's `MaxActiveRequests`). */
  maxActiveRequests(): number {
    return this.metrics.max(MAX_ACTIVE);
  }

  /** @internal Empties the pool's metrics (tickets in use are kept). */
  reset(): void {
    this.metrics.reset();
  }

  /** @internal A new window shape: the pool's metrics start again. */
  reshape(clock: Clock, window: number, buckets: number): void {
    if (window !== this.metrics.window || buckets !== this.metrics.buckets) {
      this.metrics = new RollingNumber({ clock, window, buckets, lanes: 2 });
    }
  }
}
