/** What a StatsD client calls back with once a metric is sent: an error when it could not be. */
export type StatsdCallback = (error?: Error | null) => void;

/**
 * The part of a StatsD client the exports use: a hot-shots `StatsD` (any version from 10) fits, and so does
 * anything with these three methods, such as a test double or a hot-shots child client.
 */
export interface StatsdClient {
  /** Counts `value` (`<stat>:<value>|c`). */
  increment(
    stat: string,
    value: number,
    sampleRate: number,
    tags: string[] | undefined,
    callback: StatsdCallback,
  ): void;
  /** Sets a gauge (`<stat>:<value>|g`). */
  gauge(
    stat: string,
    value: number,
    sampleRate: number,
    tags: string[] | undefined,
    callback: StatsdCallback,
  ): void;
  /** Sends a timing in milliseconds (`<stat>:<value>|ms`). */
  timing(
    stat: string,
    value: number,
    sampleRate: number,
    tags: string[] | undefined,
    callback: StatsdCallback,
  ): void;
}

/** Whether `value` has the methods of a {@link StatsdClient}: by shape, since any such client fits. */
export function isStatsdClient(value: unknown): value is StatsdClient {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Partial<StatsdClient>;
  return (
    typeof c.increment === 'function' &&
    typeof c.gauge === 'function' &&
    typeof c.timing === 'function'
  );
}
