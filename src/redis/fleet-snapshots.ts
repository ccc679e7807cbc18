import type { Hystrix } from 'hystrix-ts';
import { type HostSnapshot, type StreamSource, streamSnapshot } from 'hystrix-ts/stream';

/** The most snapshots read for one tick of a fleet's stream. */
const MAX_SNAPSHOTS = 1000;

/** What the snapshots need of the fleet. */
export interface SnapshotOwner {
  readonly instance: string;
  readSnapshots(limit: number): Promise<unknown>;
}

/**
 * The fleet's stream snapshots: this process's own, published with its heartbeat, and the live processes' ones,
 * read for a fleet stream. Give it to `new HystrixStream({ source: fleet.snapshots })`.
 */
export class FleetSnapshots implements StreamSource {
  /** @internal */
  constructor(
    private readonly hystrix: Hystrix,
    private readonly owner: SnapshotOwner,
  ) {}

  /** @internal This process's snapshot now, as JSON. */
  take(): string {
    const snapshot = streamSnapshot(this.hystrix, this.owner.instance);
    return JSON.stringify(snapshot);
  }

  /**
   * The live processes' latest snapshots. A snapshot that is not of the expected shape (anyone who can write to
   * Redis can write one) is left out.
   */
  async snapshots(): Promise<HostSnapshot[]> {
    const raw = await this.owner.readSnapshots(MAX_SNAPSHOTS);
    if (!Array.isArray(raw)) return [];
    const out: HostSnapshot[] = [];
    for (const item of raw as unknown[]) {
      const snapshot = parseSnapshot(item);
      if (snapshot !== null) out.push(snapshot);
    }
    return out;
  }
}

function parseSnapshot(item: unknown): HostSnapshot | null {
  if (typeof item !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(item);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { host, at, messages } = value as Record<string, unknown>;
  if (typeof host !== 'string' || typeof at !== 'number' || !Number.isFinite(at)) return null;
  if (!Array.isArray(messages)) return null;
  const texts: string[] = [];
  for (const m of messages as unknown[]) {
    if (typeof m !== 'string') return null;
    texts.push(m);
  }
  return { host, at, messages: texts };
}
