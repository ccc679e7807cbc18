import type { Clock } from './clock.js';
import { RollingNumber } from './rolling/number.js';

const EXECUTED = 0;
const MAX_ACTIVE = 1;

/**
 * The executor pool of one circuit (hystrix-go's `executorPool`), `circuit.pool`: tickets for calls in flight.
 * A ticket is held until `run` really settles, so the limit bounds the work in flight even when calls time out.
 */
export interface ExecutorPool {
  /** Tickets in use: runs in flight. */
  readonly activeCount: number;
  /**
   * Of the runs in flight, those that timed out and have not settled yet: they still hold their tickets (a run
   * that ignores its signal and never settles holds one for good).
   */
  readonly hungCount: number;
  /** The concurrency limit in force: `maxConcurrentRequests`, its adaptive limit, or a fleet's share when lower. */
  readonly max: number;
  /** Runs that held a ticket and returned it, in the rolling window (hystrix-go's `Executed`). */
  executed(): number;
  /** The most tickets in use at once in the rolling window (hystrix-go's `MaxActiveRequests`). */
  maxActiveRequests(): number;
}

/**
 * @internal The executor pool of one circuit: tickets for calls in flight. A ticket is taken
 * without waiting (no free ticket: the call is rejected) and held until `run` really settles, so the limit bounds
 * the work in flight even when calls time out (hystrix-go returns it at the timeout while run goes on).
 */
export class Pool implements ExecutorPool {
  private tickets = 0;
  private limit: number;
  private hung = 0;
  /** @internal Times the count of hung runs rose from 0: each is a new episode of hung runs, reported once. */
  hungEpisodes = 0;
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

  /**
   * Of the runs in flight, those that timed out and have not settled yet: they still hold their tickets (a run
   * that ignores its signal and never settles holds one for good).
   */
  get hungCount(): number {
    return this.hung;
  }

  /** The concurrency limit in force: `maxConcurrentRequests`, its adaptive limit, or a fleet's share when lower. */
  get max(): number {
    return this.limit;
  }

  /** @internal Changed through the command's settings, never directly. */
  set max(limit: number) {
    this.limit = limit;
  }

  /**
   * @internal Takes a ticket if one is free. The most tickets in use is recorded here, when a run starts (Hystrix
   * Java's `rollingMaxActiveThreads`; hystrix-go records it when a run ends, so a pool full of runs that never
   * end shows no maximum at all).
   */
  tryAcquire(now: number): boolean {
    const active = this.tickets;
    if (active >= this.limit) return false;
    this.tickets = active + 1;
    const metrics = this.metrics;
    metrics.rotate(now);
    metrics.raise(MAX_ACTIVE, active + 1);
    return true;
  }

  /** @internal A run that holds a ticket timed out: it counts as hung until it returns the ticket. */
  runPastTimeout(): void {
    if (this.hung++ === 0) this.hungEpisodes++;
  }

  /**
   * @internal Returns a ticket, recording the run. `pastTimeout`: the run had timed out, so it stops counting as
   * hung.
   */
  release(now: number, pastTimeout: boolean): void {
    const metrics = this.metrics;
    metrics.rotate(now);
    metrics.bump(EXECUTED, 1);
    this.tickets--;
    if (pastTimeout) this.hung--;
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
