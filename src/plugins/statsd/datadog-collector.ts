import type { MetricCollector, MetricResult } from 'hystrix-ts';
import { DATADOG_METRICS, prefixedDatadogMetrics } from './names.js';
import { milliseconds, type Sender } from './sender.js';

/** hystrix-go's `DatadogCollector`, in its order, then the counters of this library's policies. */
export class DogStatsdCollector implements MetricCollector {
  private readonly tags: string[];
  private readonly names: typeof DATADOG_METRICS;
  /** The limit last sent: the gauge goes out when it changes, not with every call. */
  private sentLimit = -1;

  constructor(
    private readonly sender: Sender,
    prefix: string,
    name: string,
  ) {
    // The raw name: a tag value may hold any character (hot-shots replaces the few that would break the line).
    this.tags = ['hystrixcircuit:' + name];
    this.names = prefix === '' ? DATADOG_METRICS : prefixedDatadogMetrics(prefix);
  }

  update(r: MetricResult): void {
    const s = this.sender;
    if (s.stopped) return;
    const m = this.names;
    const tags = this.tags;
    s.count(m.attempts, r.attempts, tags);
    s.count(m.errors, r.errors, tags);
    if (r.successes > 0) {
      s.gauge(m.circuitOpen, 0, tags);
      s.count(m.successes, r.successes, tags);
    }
    s.count(m.failures, r.failures, tags);
    s.count(m.rejects, r.rejects, tags);
    if (r.shortCircuits > 0) {
      s.gauge(m.circuitOpen, 1, tags);
      s.count(m.shortCircuits, r.shortCircuits, tags);
    }
    s.count(m.timeouts, r.timeouts, tags);
    s.count(m.fallbackSuccesses, r.fallbackSuccesses, tags);
    s.count(m.fallbackFailures, r.fallbackFailures, tags);
    s.count(m.badRequests, r.badRequests, tags);
    s.count(m.rateLimited, r.rateLimited, tags);
    s.count(m.slowCalls, r.slowCalls, tags);
    s.count(m.retries, r.retries, tags);
    s.count(m.hedges, r.hedges, tags);
    s.count(m.hedgeWins, r.hedgeWins, tags);
    s.timing(m.totalDuration, milliseconds(r.totalDuration), tags);
    if (r.runDuration !== undefined) s.timing(m.runDuration, milliseconds(r.runDuration), tags);
    const limit = r.concurrencyLimit;
    if (limit !== undefined && limit !== this.sentLimit) {
      this.sentLimit = limit;
      s.gauge(m.concurrencyLimit, limit, tags);
    }
  }

  reset(): void {
    // As hystrix-go: counts are deltas, nothing to reset.
  }
}
