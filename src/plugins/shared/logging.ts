import type { Hystrix } from 'hystrix-ts';
import { safeLog } from 'hystrix-ts/internal';

/**
 * Writes `hystrix: <text>` to the registry's logger, read now: `setLogger` may have replaced it since the
 * export began.
 */
export function logSafely(hystrix: Hystrix, level: 'info' | 'error', text: string): void {
  safeLog(hystrix.logger, level, `hystrix: ${text}`);
}
