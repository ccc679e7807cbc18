/**
 * The merge of the hosts' adaptive limits (`adaptive` in their `HystrixTsCircuit` messages): the limits and
 * their bounds add up (the fleet's capacity, as `maxConcurrentRequests` does), so do the samples and drops; the
 * latencies are the hosts' mean. One host's merges to what it sent.
 */
import type { AdaptiveStats } from 'hystrix-ts';
import { ADAPTIVE_ALGORITHMS } from 'hystrix-ts/internal';
import { field, isFigure, type ParsedMessage } from './turbine-merge.js';

const FIGURES = ['limit', 'minLimit', 'maxLimit', 'samples', 'drops'] as const;

/** A host's `adaptive`, checked: null when absent, null, or not of the right shape. */
function adaptiveOf(m: ParsedMessage): AdaptiveStats | null {
  const v = field(m, 'adaptive');
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const a = v as ParsedMessage;
  const algorithm = field(a, 'algorithm');
  const known = ADAPTIVE_ALGORITHMS.find((name) => name === algorithm);
  if (known === undefined || !FIGURES.every((key) => isFigure(field(a, key)))) return null;
  const latency = (key: string): number | null => {
    const value = field(a, key);
    return isFigure(value) ? value : null;
  };
  return {
    algorithm: known,
    limit: field(a, 'limit') as number,
    minLimit: field(a, 'minLimit') as number,
    maxLimit: field(a, 'maxLimit') as number,
    rttNoLoad: latency('rttNoLoad'),
    lastRtt: latency('lastRtt'),
    samples: field(a, 'samples') as number,
    drops: field(a, 'drops') as number,
  };
}

/** The merged `adaptive` of hosts' messages: null when none has one; the first host's algorithm names it. */
export function mergeAdaptive(messages: readonly ParsedMessage[]): AdaptiveStats | null {
  const hosts: AdaptiveStats[] = [];
  for (const m of messages) {
    const a = adaptiveOf(m);
    if (a !== null) hosts.push(a);
  }
  const first = hosts[0];
  if (first === undefined) return null;
  const sum = (key: (typeof FIGURES)[number]): number =>
    Math.min(
      Number.MAX_SAFE_INTEGER,
      hosts.reduce((s, h) => s + h[key], 0),
    );
  const mean = (key: 'rttNoLoad' | 'lastRtt'): number | null => {
    const values = hosts.flatMap((h) => (h[key] === null ? [] : [h[key]]));
    return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
  };
  return {
    algorithm: first.algorithm,
    limit: sum('limit'),
    minLimit: sum('minLimit'),
    maxLimit: sum('maxLimit'),
    rttNoLoad: mean('rttNoLoad'),
    lastRtt: mean('lastRtt'),
    samples: sum('samples'),
    drops: sum('drops'),
  };
}
