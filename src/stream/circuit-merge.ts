/**
 * The merge of the extended `HystrixTsCircuit` messages of many processes into one per circuit: counts summed,
 * how many hosts are in each state, latencies combined, and one row per host for the dashboard page.
 *
 * Latencies: each host's `count`, `mean`, minimum (`p0`) and maximum (`p100`) combine exactly (the count-weighted
 * mean, the least minimum, the greatest maximum). The other percentiles cannot be recovered from the hosts'
 * percentiles alone: each is the mean of the hosts' values weighted by their counts, kept between the merged
 * minimum and maximum. That is exact when the hosts' latencies are alike, and too low when a few hosts are much
 * slower than the rest (their rows show them).
 */
import { errorPercent } from 'hystrix-ts/internal';
import { mergeFleet } from './fleet-merge.js';
import { mergeAdaptive } from './adaptive-merge.js';
import { field, isFigure, type ParsedMessage } from './turbine-merge.js';

type State = 'closed' | 'open' | 'half-open';

const isState = (v: unknown): v is State => v === 'closed' || v === 'open' || v === 'half-open';

/** Counts that add up across hosts (concurrency limits and queue sizes too: the fleet's capacity). */
const SUMMED = [
  'requests',
  'errors',
  'successes',
  'failures',
  'rejects',
  'shortCircuits',
  'timeouts',
  'fallbackSuccesses',
  'fallbackFailures',
  'contextCanceled',
  'contextDeadlineExceeded',
  'badRequests',
  'rateLimited',
  'slowCalls',
  'queueSize',
  'activeCount',
  'hungRuns',
  'maxConcurrentRequests',
  'maxActiveRequests',
  'executed',
  'maxQueueSize',
] as const;

/** Figures that do not add up: the longest failure run, and settings every host should share. */
const GREATEST = ['consecutiveFailures', 'timeout', 'rollingWindow', 'halfOpenProbes'] as const;

const LATENCY = [
  'count',
  'mean',
  'p0',
  'p25',
  'p50',
  'p75',
  'p90',
  'p95',
  'p99',
  'p99_5',
  'p100',
] as const;
const INNER = ['p25', 'p50', 'p75', 'p90', 'p95', 'p99', 'p99_5'] as const;

type Latency = Record<(typeof LATENCY)[number], number>;

/** One host's extended message, checked. */
export interface HostCircuit {
  readonly host: string;
  readonly at: number;
  readonly m: ParsedMessage;
}

function isLatency(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  return LATENCY.every((key) => isFigure(field(v as ParsedMessage, key)));
}

/** Whether a parsed `HystrixTsCircuit` message has every field the merge reads, each of the right kind. */
export function fitsExtended(m: ParsedMessage): boolean {
  return (
    isState(field(m, 'state')) &&
    typeof field(m, 'forcedOpen') === 'boolean' &&
    typeof field(m, 'forcedClosed') === 'boolean' &&
    isFigure(field(m, 'errorPercent')) &&
    isFigure(field(m, 'maxRequestsPerSecond')) &&
    SUMMED.every((key) => isFigure(field(m, key))) &&
    GREATEST.every((key) => isFigure(field(m, key))) &&
    isLatency(field(m, 'runLatency')) &&
    isLatency(field(m, 'totalLatency'))
  );
}

const num = (m: ParsedMessage, key: string): number => field(m, key) as number;
const latencyOf = (m: ParsedMessage, key: string): Latency =>
  field(m, key) as Readonly<Record<string, unknown>> as Latency;

function mergeLatency(hosts: readonly HostCircuit[], key: string): Latency {
  const all = hosts.map((h) => latencyOf(h.m, key));
  const some = all.filter((l) => l.count > 0);
  const out: Latency = {
    count: 0,
    mean: 0,
    p0: 0,
    p25: 0,
    p50: 0,
    p75: 0,
    p90: 0,
    p95: 0,
    p99: 0,
    p99_5: 0,
    p100: 0,
  };
  if (some.length === 0) return out;
  for (const l of some) out.count += l.count;
  out.p0 = Math.min(...some.map((l) => l.p0));
  out.p100 = Math.max(...some.map((l) => l.p100));
  out.mean = some.reduce((s, l) => s + l.mean * l.count, 0) / out.count;
  for (const p of INNER) {
    const weighted = some.reduce((s, l) => s + l[p] * l.count, 0) / out.count;
    out[p] = Math.min(out.p100, Math.max(out.p0, weighted));
  }
  return out;
}

/** The fleet's state in one word: the most serious any host is in (open, then half-open, then closed). */
function worst(states: Record<State, number>): State {
  if (states.open > 0) return 'open';
  return states['half-open'] > 0 ? 'half-open' : 'closed';
}

/** One host's row: what the page lists under the circuit's card. */
function hostRow(h: HostCircuit): Record<string, unknown> {
  const total = latencyOf(h.m, 'totalLatency');
  return {
    host: h.host,
    at: h.at,
    state: field(h.m, 'state'),
    forcedOpen: field(h.m, 'forcedOpen'),
    forcedClosed: field(h.m, 'forcedClosed'),
    requests: num(h.m, 'requests'),
    errors: num(h.m, 'errors'),
    errorPercent: num(h.m, 'errorPercent'),
    successes: num(h.m, 'successes'),
    failures: num(h.m, 'failures'),
    timeouts: num(h.m, 'timeouts'),
    rejects: num(h.m, 'rejects'),
    shortCircuits: num(h.m, 'shortCircuits'),
    activeCount: num(h.m, 'activeCount'),
    queueSize: num(h.m, 'queueSize'),
    mean: total.mean,
    p99: total.p99,
  };
}

/**
 * One merged `HystrixTsCircuit` message from its hosts' messages (each passed {@link fitsExtended}, sorted by
 * host): the extended fields merged, plus `reportingHosts`, `states` (hosts per state) and `hosts` (a row per
 * host). `state` is the most serious state of any host; forced open or closed only when every host is.
 */
export function mergeExtended(name: string, hosts: readonly HostCircuit[]): string {
  const states: Record<State, number> = { closed: 0, open: 0, 'half-open': 0 };
  for (const h of hosts) states[field(h.m, 'state') as State]++;
  const sums = new Map<string, number>();
  for (const key of SUMMED) {
    sums.set(
      key,
      Math.min(
        Number.MAX_SAFE_INTEGER,
        hosts.reduce((s, h) => s + num(h.m, key), 0),
      ),
    );
  }
  const greatest = (key: string): number => Math.max(0, ...hosts.map((h) => num(h.m, key)));
  const sum = (key: (typeof SUMMED)[number]): number => sums.get(key) ?? 0;
  // Retries and hedges: summed where a host sends them, so that a host of an earlier version, which does not,
  // still merges (as 0).
  const sumOptional = (key: 'retries' | 'hedges' | 'hedgeWins'): number =>
    hosts.reduce((total, h) => {
      const v = field(h.m, key);
      return total + (isFigure(v) ? v : 0);
    }, 0);
  // Settings every host should share, 1 (off) from a host that does not send them.
  const greatestSetting = (key: 'retryAttempts' | 'hedgeMaxAttempts'): number =>
    Math.max(
      1,
      ...hosts.map((h) => {
        const v = field(h.m, key);
        return isFigure(v) ? v : 1;
      }),
    );
  const requests = sum('requests');
  const errors = sum('errors');
  // 0 turns the rate limit off: one host without a limit leaves the fleet without one.
  const rates = hosts.map((h) => num(h.m, 'maxRequestsPerSecond'));
  const maxRequestsPerSecond = rates.includes(0) ? 0 : rates.reduce((s, r) => s + r, 0);
  return JSON.stringify({
    type: 'HystrixTsCircuit',
    name,
    state: worst(states),
    forcedOpen: hosts.every((h) => field(h.m, 'forcedOpen') === true),
    forcedClosed: hosts.every((h) => field(h.m, 'forcedClosed') === true),
    requests,
    errors,
    // The core's own rounding, over the fleet's counts.
    errorPercent: errorPercent(requests, errors),
    successes: sum('successes'),
    failures: sum('failures'),
    rejects: sum('rejects'),
    shortCircuits: sum('shortCircuits'),
    timeouts: sum('timeouts'),
    fallbackSuccesses: sum('fallbackSuccesses'),
    fallbackFailures: sum('fallbackFailures'),
    contextCanceled: sum('contextCanceled'),
    contextDeadlineExceeded: sum('contextDeadlineExceeded'),
    badRequests: sum('badRequests'),
    rateLimited: sum('rateLimited'),
    slowCalls: sum('slowCalls'),
    retries: sumOptional('retries'),
    hedges: sumOptional('hedges'),
    hedgeWins: sumOptional('hedgeWins'),
    consecutiveFailures: greatest('consecutiveFailures'),
    queueSize: sum('queueSize'),
    activeCount: sum('activeCount'),
    hungRuns: sum('hungRuns'),
    maxConcurrentRequests: sum('maxConcurrentRequests'),
    maxActiveRequests: sum('maxActiveRequests'),
    executed: sum('executed'),
    runLatency: mergeLatency(hosts, 'runLatency'),
    totalLatency: mergeLatency(hosts, 'totalLatency'),
    timeout: greatest('timeout'),
    rollingWindow: greatest('rollingWindow'),
    halfOpenProbes: greatest('halfOpenProbes'),
    maxRequestsPerSecond,
    maxQueueSize: sum('maxQueueSize'),
    fleet: mergeFleet(hosts.map((h) => h.m)),
    retryAttempts: greatestSetting('retryAttempts'),
    hedgeMaxAttempts: greatestSetting('hedgeMaxAttempts'),
    adaptive: mergeAdaptive(hosts.map((h) => h.m)),
    reportingHosts: hosts.length,
    states,
    hosts: hosts.map(hostRow),
  });
}
