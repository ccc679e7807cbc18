/** Records every execution of a registry's circuits as `<command> <event>[/<fallback event>]`. */
import type { Hystrix } from '../../src/index.js';

export function recordEvents(h: Hystrix): string[] {
  const events: string[] = [];
  h.metricCollectors.register((name) => ({
    update(result) {
      events.push(
        `${name} ${result.event}${result.fallbackEvent === undefined ? '' : '/' + result.fallbackEvent}`,
      );
    },
    reset() {
      // Resets say nothing of single executions.
    },
  }));
  return events;
}
