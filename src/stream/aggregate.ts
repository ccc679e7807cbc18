/**
 * A fleet's stream: the snapshots of every process of a service merged into one message list, as Netflix
 * Turbine merges the streams of a cluster (see `./turbine-merge.ts` and `./circuit-merge.ts`).
 *
 * Snapshots come from elsewhere (a shared store): anything in them that is not what `streamSnapshot` writes is
 * left out, a malformed snapshot whole, a malformed message alone, and nothing here throws.
 */
import { fitsExtended, type HostCircuit, mergeExtended } from './circuit-merge.js';
import type { HostSnapshot } from './snapshot.js';
import { field, fitsHystrix, mergeHystrix, type ParsedMessage } from './turbine-merge.js';

/** One circuit's messages from every host that sent them, by type. */
interface Gathered {
  readonly command: HostCircuit[];
  readonly pool: HostCircuit[];
  readonly extended: HostCircuit[];
}

/** One circuit of the fleet: its merged messages. */
export interface FleetCircuit {
  readonly name: string;
  /** The merged Hystrix messages (`HystrixCommand`, then `HystrixThreadPool`), for every client. */
  readonly standard: readonly string[];
  /** The merged `HystrixTsCircuit` message, for extended clients, or none when no host sent a valid one. */
  readonly extended: string | undefined;
}

/** A snapshot's fields, read once each (a hostile object's getters run once), or `undefined` when malformed. */
function readSnapshot(
  value: unknown,
): { host: string; at: number; messages: readonly unknown[] } | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { host, at, messages } = value as Record<string, unknown>;
  if (typeof host !== 'string' || typeof at !== 'number' || !Number.isFinite(at)) return undefined;
  if (!Array.isArray(messages)) return undefined;
  return { host, at, messages: [...(messages as unknown[])] };
}

function parse(text: unknown): ParsedMessage | undefined {
  if (typeof text !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  return parsed as ParsedMessage;
}

/** The list of a circuit that a valid message of that type joins, or `undefined` for any other message. */
function listOf(g: Gathered, type: unknown, m: ParsedMessage): HostCircuit[] | undefined {
  switch (type) {
    case 'HystrixCommand':
    case 'HystrixThreadPool':
      if (!fitsHystrix(type, m)) return undefined;
      return type === 'HystrixCommand' ? g.command : g.pool;
    case 'HystrixTsCircuit':
      return fitsExtended(m) ? g.extended : undefined;
    default:
      return undefined;
  }
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The latest snapshot of each host, in host order: a host listed twice counts once, as Turbine keys by host. */
function latestByHost(
  snapshots: readonly unknown[],
): { host: string; at: number; messages: readonly unknown[] }[] {
  const latest = new Map<string, { host: string; at: number; messages: readonly unknown[] }>();
  for (const value of snapshots) {
    let s;
    try {
      s = readSnapshot(value);
    } catch {
      // A Proxy or a getter that throws: a malformed snapshot.
      continue;
    }
    if (s === undefined) continue;
    const seen = latest.get(s.host);
    if (seen === undefined || s.at > seen.at) latest.set(s.host, s);
  }
  return [...latest.values()].sort((a, b) => byCodeUnits(a.host, b.host));
}

/**
 * The fleet's circuits, merged, in name order (code units). A host's first message of a type and name counts;
 * a name no valid message names is left out.
 *
 * @param now - the aggregation's time, written as each `HystrixCommand`'s `currentTime`.
 */
export function aggregateCircuits(snapshots: readonly HostSnapshot[], now: number): FleetCircuit[] {
  const circuits = new Map<string, Gathered>();
  const list: unknown = snapshots;
  if (!Array.isArray(list)) return [];
  for (const { host, at, messages } of latestByHost(list)) {
    const taken = new Set<string>();
    for (const text of messages) {
      const m = parse(text);
      if (m === undefined) continue;
      const type = field(m, 'type');
      const name = field(m, 'name');
      if (typeof name !== 'string') continue;
      // A name can hold any character: the key pairs the type with the name's JSON, which cannot collide.
      const key = `${String(type)}\n${JSON.stringify(name)}`;
      if (taken.has(key)) continue;
      let g = circuits.get(name);
      g ??= { command: [], pool: [], extended: [] };
      const into = listOf(g, type, m);
      if (into === undefined) continue;
      taken.add(key);
      circuits.set(name, g);
      into.push({ host, at, m });
    }
  }
  return [...circuits]
    .sort(([a], [b]) => byCodeUnits(a, b))
    .map(([name, g]) => {
      const standard: string[] = [];
      const messages = (hosts: HostCircuit[]): ParsedMessage[] => hosts.map((h) => h.m);
      if (g.command.length > 0)
        standard.push(mergeHystrix('HystrixCommand', name, messages(g.command), now));
      if (g.pool.length > 0)
        standard.push(mergeHystrix('HystrixThreadPool', name, messages(g.pool), now));
      const extended = g.extended.length > 0 ? mergeExtended(name, g.extended) : undefined;
      return { name, standard, extended };
    });
}

/**
 * Turbine's aggregation of a fleet's snapshots: one message list for the whole fleet, per circuit (names in
 * code-unit order) a `HystrixCommand` and a `HystrixThreadPool` message merged as Turbine merges them (figures
 * summed, `reportingHosts` the number of hosts reporting the name, values kept when all hosts agree, else counted
 * per value), then with `extended` the merged `HystrixTsCircuit` message (counts summed, hosts per state,
 * combined latencies, a row per host). Malformed snapshots and messages are left out; it never throws.
 *
 * @param snapshots - the live processes' snapshots ({@link streamSnapshot}); of a host listed twice, the latest.
 * @param now - the aggregation's time (epoch milliseconds), written as `currentTime`.
 * @param extended - whether to include the `HystrixTsCircuit` messages (default true).
 * @returns the JSON text of each message, in stream order.
 */
export function aggregateSnapshots(
  snapshots: readonly HostSnapshot[],
  now: number,
  extended = true,
): string[] {
  const out: string[] = [];
  for (const c of aggregateCircuits(snapshots, now)) {
    out.push(...c.standard);
    if (extended && c.extended !== undefined) out.push(c.extended);
  }
  return out;
}
