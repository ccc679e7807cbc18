import type { Hystrix } from 'hystrix-ts';
import { describeError } from 'hystrix-ts/internal';
import { logSafely } from '../shared/logging.js';

// One log line per this many milliseconds at most: an unreachable server fails every metric of every call.
const ERROR_LOG_INTERVAL = 10_000;

/**
 * Reports errors to the registry's logger (read at each report: `setLogger` may replace it), at most one line
 * per {@link ERROR_LOG_INTERVAL} of the registry's clock, with a count of those left out.
 */
export class ErrorLog {
  private quietUntil = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(
    private readonly hystrix: Hystrix,
    private readonly where: string,
  ) {}

  /** Logs `what` failed and why, unless a line was logged less than the interval ago. */
  report(what: string, error: unknown): void {
    const now = this.hystrix.now();
    if (now < this.quietUntil) {
      this.suppressed++;
      return;
    }
    this.quietUntil = now + ERROR_LOG_INTERVAL;
    const more = this.suppressed > 0 ? ` (and ${this.suppressed} more errors not logged)` : '';
    this.suppressed = 0;
    logSafely(this.hystrix, 'error', `${this.where}: ${what}: ${describeError(error)}${more}`);
  }
}
