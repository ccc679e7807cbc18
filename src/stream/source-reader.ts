/**
 * A fleet stream's reading of its source: one read per tick, never two at once, the result merged into the
 * fleet's circuits. A read that fails, or is still running when the next tick comes, makes that tick a ping and
 * is logged once, until a read succeeds again; nothing it does can throw or leave a rejection unhandled.
 */
import type { Hystrix } from 'hystrix-ts';
import { describeError, safeLog } from 'hystrix-ts/internal';
import { aggregateCircuits, type FleetCircuit } from './aggregate.js';
import { frameMessage } from './messages.js';
import type { HostSnapshot, StreamSource } from './snapshot.js';

/** A comment line that keeps a connection open and reaches no `EventSource` listener. */
export const PING = ': ping\n\n';

/** What a fleet stream writes: the merged circuits of a tick, framed; a ping comment before it when empty. */
export function fleetFrame(
  circuits: readonly FleetCircuit[],
  now: number,
  extended: boolean,
): string {
  let out = extended ? `data:${frameMessage(circuits.length, now)}\n\n` : '';
  if (circuits.length === 0) return PING + out;
  for (const c of circuits) {
    for (const message of c.standard) out += `data:${message}\n\n`;
    if (extended && c.extended !== undefined) out += `data:${c.extended}\n\n`;
  }
  return out;
}

/** What a settled read gives the stream. */
export type ReadOutcome =
  | { readonly kind: 'circuits'; readonly circuits: readonly FleetCircuit[]; readonly now: number }
  | { readonly kind: 'ping' };

/** One read in flight; `late` once a tick has passed it by. */
interface Read {
  late: boolean;
}

/** Reads a {@link StreamSource} once per tick for a stream. */
export class SourceReader {
  private pending: Read | null = null;
  /** Whether the last read failed or was late: the problem is logged once, when it begins. */
  private failing = false;
  /** The last merged circuits, for clients that connect between two ticks (none while the source fails). */
  private last: { circuits: readonly FleetCircuit[]; now: number } | null = null;

  /**
   * @param source - where the snapshots are read.
   * @param hystrix - the stream's registry: its time and its logger.
   * @param interval - the stream's tick, named in the log.
   * @param deliver - writes what a read gave (called at most once per read, never re-entered).
   */
  constructor(
    private readonly source: StreamSource,
    private readonly hystrix: Hystrix,
    private readonly interval: number,
    private readonly deliver: (outcome: ReadOutcome) => void,
  ) {}

  /** The last merged circuits and their time, if the last read succeeded. */
  get latest(): { readonly circuits: readonly FleetCircuit[]; readonly now: number } | null {
    return this.last;
  }

  /** A tick: starts a read, or, while the last one still runs, gives a ping. */
  tick(): void {
    if (this.pending !== null) {
      this.pending.late = true;
      this.last = null;
      this.problem(
        `the stream's source did not answer within the ${this.interval} ms interval; pinging until it does`,
      );
      this.deliver({ kind: 'ping' });
      return;
    }
    const read: Read = { late: false };
    this.pending = read;
    // Called inside the chain, so that a source that throws at once rejects like one that rejects later.
    Promise.resolve()
      .then(() => this.source.snapshots())
      .then(
        (snapshots) => {
          this.settled(read, snapshots, undefined);
        },
        (error: unknown) => {
          this.settled(read, undefined, error);
        },
      )
      // `deliver` is the stream's and does not throw; should it, nothing must escape as an unhandled rejection.
      .catch((error: unknown) => {
        safeLog(this.hystrix.logger, 'error', `hystrix: ${describeError(error)}`);
      });
  }

  private settled(
    read: Read,
    snapshots: readonly HostSnapshot[] | undefined,
    error: unknown,
  ): void {
    if (this.pending === read) this.pending = null;
    let circuits: FleetCircuit[] | undefined;
    let failure = error;
    if (snapshots !== undefined) {
      try {
        circuits = aggregateCircuits(snapshots, this.hystrix.now());
      } catch (e: unknown) {
        failure = e;
      }
    }
    // A late read's tick has passed: its result is dropped, and the next tick starts a fresh read.
    if (read.late) return;
    if (circuits === undefined) {
      this.last = null;
      this.problem(
        `the stream's source failed (${describeError(failure)}); pinging until it answers`,
      );
      this.deliver({ kind: 'ping' });
      return;
    }
    this.failing = false;
    const now = this.hystrix.now();
    this.last = { circuits, now };
    this.deliver({ kind: 'circuits', circuits, now });
  }

  private problem(message: string): void {
    if (this.failing) return;
    this.failing = true;
    safeLog(this.hystrix.logger, 'error', `hystrix: ${message}`);
  }
}
