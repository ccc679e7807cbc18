import type { MetricCollector, MetricResult } from 'hystrix-ts';
import { countEvent } from '../shared/events.js';
import type { PrometheusMetrics } from './metrics.js';
import { Pending } from './pending.js';

/** Whether an export still counts: its collectors outlive it in the circuits that hold them. */
export interface ExportState {
  live: boolean;
}

/**
 * The collector factory of an export: one collector per circuit, counting into the entry of its command in
 * `commands` (made on first use, with its series at 0).
 */
export function collectorFactory(
  commands: Map<string, Pending>,
  { events, requests, slowCalls, attempts, runDuration, totalDuration }: PrometheusMetrics,
  state: ExportState,
): (command: string) => MetricCollector {
  const count = (pending: Pending, event: string): void => {
    // An event the core may add one day gets its own series rather than a wrong one.
    if (!countEvent(pending.events, event))
      events.inc({ command: pending.labels.command, event }, 1);
  };
  return (command: string): MetricCollector => {
    // One entry per name, shared by the circuits of that name (flush() makes new ones): a name seen
    // before keeps its series, since zeroing a histogram again would rewind it.
    let pending = commands.get(command);
    if (pending === undefined) {
      pending = new Pending(command);
      commands.set(command, pending);
      // Series at 0 from the start, so that rate() sees the first increment.
      requests.inc(pending.labels, 0);
      slowCalls.inc(pending.labels, 0);
      for (const counter of attempts) counter.inc(pending.labels, 0);
      for (const eventLabels of pending.eventLabels) events.inc(eventLabels, 0);
      runDuration.zero(pending.labels);
      totalDuration.zero(pending.labels);
    }
    const mine = pending;
    const labels = pending.labels;
    return {
      update(result: MetricResult): void {
        if (!state.live) return;
        mine.requests += result.attempts;
        mine.slowCalls += result.slowCalls;
        mine.retries += result.retries;
        mine.hedges += result.hedges;
        mine.hedgeWins += result.hedgeWins;
        count(mine, result.event);
        if (result.fallbackEvent !== undefined) count(mine, result.fallbackEvent);
        if (result.runDuration !== undefined)
          runDuration.observe(labels, result.runDuration / 1000);
        totalDuration.observe(labels, result.totalDuration / 1000);
      },
      reset(): void {
        // Counters only go up: a circuit's reset (closed again, or flushed) must not rewind them.
      },
    };
  };
}
