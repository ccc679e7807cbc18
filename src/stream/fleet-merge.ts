/**
 * The `fleet` part of merged `HystrixTsCircuit` messages: what the hosts of a fleet (`hystrix-ts/redis`) say of
 * the fleet. Each host reports the fleet's own figures as of its last sync, so they nearly agree: the merge keeps
 * the most each host saw, says the fleet is in local mode when any host is, and sums the hosts' shares of the
 * fleet limits.
 */
import { field, isFigure, type ParsedMessage } from './turbine-merge.js';

const FIGURES = [
  'instances',
  'requests',
  'errors',
  'errorPercent',
  'maxConcurrentRequests',
  'leasedConcurrentRequests',
  'maxRequestsPerSecond',
  'leasedTokens',
] as const;

/** A host's fleet part, when it is one of the expected shape. */
function fleetOf(m: ParsedMessage): Record<string, unknown> | undefined {
  const fleet = field(m, 'fleet');
  if (fleet === null || typeof fleet !== 'object' || Array.isArray(fleet)) return undefined;
  const f = fleet as Record<string, unknown>;
  if (typeof f['fleet'] !== 'string' || typeof f['localMode'] !== 'boolean') return undefined;
  if (typeof f['probing'] !== 'boolean') return undefined;
  for (const key of FIGURES) if (!isFigure(f[key])) return undefined;
  return f;
}

/** The merged fleet part of the hosts' messages, or null when none has one. */
export function mergeFleet(messages: readonly ParsedMessage[]): Record<string, unknown> | null {
  const parts = messages.map(fleetOf).filter((f) => f !== undefined);
  const first = parts[0];
  if (first === undefined) return null;
  const most = (key: string): number => Math.max(...parts.map((f) => f[key] as number));
  const sum = (key: string): number => parts.reduce((s, f) => s + (f[key] as number), 0);
  return {
    fleet: first['fleet'],
    localMode: parts.some((f) => f['localMode'] === true),
    instances: most('instances'),
    requests: most('requests'),
    errors: most('errors'),
    errorPercent: most('errorPercent'),
    probing: parts.some((f) => f['probing'] === true),
    maxConcurrentRequests: most('maxConcurrentRequests'),
    leasedConcurrentRequests: sum('leasedConcurrentRequests'),
    maxRequestsPerSecond: most('maxRequestsPerSecond'),
    leasedTokens: sum('leasedTokens'),
  };
}
