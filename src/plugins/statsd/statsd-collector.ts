import type { MetricCollector, MetricResult } from 'hystrix-ts';
import { sanitizeName } from '../shared/metric-path.js';
import { milliseconds, type Sender } from './sender.js';

/**
 * hystrix-go's `StatsdCollector`, in its order, then the counters of this library's policies (bad requests,
 * rate-limited and slow calls).
 */
export class StatsdCollector implements MetricCollector {
  private readonly circuitOpen: string;
  private readonly attempts: string;
  private readonly errors: string;
  private readonly successes: string;
  private readonly failures: string;
  private readonly rejects: string;
  private readonly shortCircuits: string;
  private readonly timeouts: string;
  private readonly fallbackSuccesses: string;
  private readonly fallbackFailures: string;
  private readonly contextCanceled: string;
  private readonly contextDeadlineExceeded: string;
  private readonly badRequests: string;
  private readonly rateLimited: string;
  private readonly slowCalls: string;
  private readonly retries: string;
  private readonly hedges: string;
  private readonly hedgeWins: string;
  private readonly totalDuration: string;
  private readonly runDuration: string;
  private readonly concurrencyInUse: string;
  private readonly concurrencyLimit: string;
  /** The limit last sent: the gauge goes out when it changes, not with every call. */
  private sentLimit = -1;

  constructor(
    private readonly sender: Sender,
    prefix: string,
    name: string,
  ) {
    const base = prefix + sanitizeName(name) + '.';
    this.circuitOpen = base + 'circuitOpen';
    this.attempts = base + 'attempts';
    this.errors = base + 'errors';
    this.successes = base + 'successes';
    this.failures = base + 'failures';
    this.rejects = base + 'rejects';
    this.shortCircuits = base + 'shortCircuits';
    this.timeouts = base + 'timeouts';
    this.fallbackSuccesses = base + 'fallbackSuccesses';
    this.fallbackFailures = base + 'fallbackFailures';
    this.contextCanceled = base + 'contextCanceled';
    this.contextDeadlineExceeded = base + 'contextDeadlineExceeded';
    this.badRequests = base + 'badRequests';
    this.rateLimited = base + 'rateLimited';
    this.slowCalls = base + 'slowCalls';
    this.retries = base + 'retries';
    this.hedges = base + 'hedges';
    this.hedgeWins = base + 'hedgeWins';
    this.totalDuration = base + 'totalDuration';
    this.runDuration = base + 'runDuration';
    this.concurrencyInUse = base + 'concurrencyInUse';
    this.concurrencyLimit = base + 'concurrencyLimit';
  }

  update(r: MetricResult): void {
    const s = this.sender;
    if (s.stopped) return;
    if (r.successes > 0) s.gauge(this.circuitOpen, 0);
    else if (r.shortCircuits > 0) s.gauge(this.circuitOpen, 1);
    s.count(this.attempts, r.attempts);
    s.count(this.errors, r.errors);
    s.count(this.successes, r.successes);
    s.count(this.failures, r.failures);
    s.count(this.rejects, r.rejects);
    s.count(this.shortCircuits, r.shortCircuits);
    s.count(this.timeouts, r.timeouts);
    s.count(this.fallbackSuccesses, r.fallbackSuccesses);
    s.count(this.fallbackFailures, r.fallbackFailures);
    s.count(this.contextCanceled, r.contextCanceled);
    s.count(this.contextDeadlineExceeded, r.contextDeadlineExceeded);
    s.count(this.badRequests, r.badRequests);
    s.count(this.rateLimited, r.rateLimited);
    s.count(this.slowCalls, r.slowCalls);
    s.count(this.retries, r.retries);
    s.count(this.hedges, r.hedges);
    s.count(this.hedgeWins, r.hedgeWins);
    s.timing(this.totalDuration, milliseconds(r.totalDuration));
    // hystrix-go sends 0 for calls that never ran, which drags run latency toward 0.
    if (r.runDuration !== undefined) s.timing(this.runDuration, milliseconds(r.runDuration));
    // hystrix-go's int64(100*ConcurrencyInUse): a whole percent, truncated.
    s.timing(this.concurrencyInUse, Math.trunc(100 * r.concurrencyInUse));
    const limit = r.concurrencyLimit;
    if (limit !== undefined && limit !== this.sentLimit) {
      this.sentLimit = limit;
      s.gauge(this.concurrencyLimit, limit);
    }
  }

  reset(): void {
    // Counters sent are deltas: there is nothing here to reset (hystrix-go's Reset is a no-op too).
  }
}
