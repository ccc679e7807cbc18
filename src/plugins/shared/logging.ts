import type { Hystrix } from 'hystrix-ts';

/**
 * Writes `hystrix: <text>` to the registry's logger, read now: `setLogger` may have replaced it since the
 * export began.
 */
export function logSafely(hystrix: Hystrix, level: 'info' | 'error', text: string): void {
  try {
    hystrix.logger[level](`hystrix: ${text}`);
  } catch {
    // A logger that throws must not break a command or an export; there is nowhere left to report it.
  }
}

/** The message of anything thrown, for a log line; never throws itself. */
export function errorMessage(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'an error that cannot be printed';
  }
}
