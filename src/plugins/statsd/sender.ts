import type { StatsdCallback, StatsdClient } from './client.js';
import type { ErrorLog } from './error-log.js';

/** Sends metrics through one client; never throws, and reports what fails to the registry's logger. */
export class Sender {
  /** Set when the export stops: collectors still held by circuits then send nothing. */
  stopped = false;
  private readonly callback: StatsdCallback;

  constructor(
    private readonly client: StatsdClient,
    readonly sampleRate: number,
    private readonly errors: ErrorLog,
  ) {
    this.callback = (error) => {
      if (error) errors.report('error sending metrics', error);
    };
  }

  /** Counts `value`; a 0 is not sent, since a count adds nothing. */
  count(stat: string, value: number, tags?: string[]): void {
    if (value === 0) return;
    try {
      this.client.increment(stat, value, this.sampleRate, tags, this.callback);
    } catch (error: unknown) {
      this.errors.report(`error sending ${stat}`, error);
    }
  }

  /** Sets a gauge. */
  gauge(stat: string, value: number, tags?: string[]): void {
    try {
      this.client.gauge(stat, value, this.sampleRate, tags, this.callback);
    } catch (error: unknown) {
      this.errors.report(`error sending ${stat}`, error);
    }
  }

  /** Sends a timing in milliseconds. */
  timing(stat: string, ms: number, tags?: string[]): void {
    try {
      this.client.timing(stat, ms, this.sampleRate, tags, this.callback);
    } catch (error: unknown) {
      this.errors.report(`error sending ${stat}`, error);
    }
  }
}

/** Milliseconds to the microsecond: shorter datagrams than a full double, and finer than hystrix-go needs. */
export function milliseconds(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
