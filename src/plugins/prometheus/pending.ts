import { EVENTS } from '../shared/events.js';

type CommandLabels = Readonly<Record<'command', string>>;
type EventLabels = Readonly<Record<'command' | 'event', string>>;

/** One command's label sets, and its counts that the next scrape adds to the counters. */
export class Pending {
  /** The command's label set, made once and reused for every observation. */
  readonly labels: CommandLabels;
  /** By index in EVENTS. */
  readonly eventLabels: readonly EventLabels[];
  /** Executions since the last scrape. */
  requests = 0;
  /** Slow calls since the last scrape. */
  slowCalls = 0;
  /** Retries, hedges and hedges that won since the last scrape. */
  retries = 0;
  hedges = 0;
  hedgeWins = 0;
  /** By index in EVENTS. */
  readonly events = new Float64Array(EVENTS.length);

  constructor(command: string) {
    this.labels = Object.freeze({ command });
    this.eventLabels = EVENTS.map((event) => Object.freeze({ command, event }));
  }
}
