import type { Hystrix } from 'hystrix-ts';

/** What each member of a registry must be, for the exports that use it. */
const MEMBER_KINDS = {
  onClose: 'function',
  clock: 'object',
  now: 'function',
  getCircuits: 'function',
  do: 'function',
} as const;

/** A member of `Hystrix` an export uses besides `metricCollectors.register`, which they all use. */
export type HystrixMember = keyof typeof MEMBER_KINDS;

/**
 * Whether `value` is a registry of circuits with what the export uses: `metricCollectors.register`, and
 * `uses`. By shape rather than `instanceof`: an application can hold the core twice (its ESM and CommonJS
 * builds), and a registry from either copy must be accepted.
 */
export function isHystrix(value: unknown, uses: readonly HystrixMember[]): value is Hystrix {
  if (typeof value !== 'object' || value === null) return false;
  const h = value as Record<string, unknown>;
  const collectors = h['metricCollectors'] as { register?: unknown } | null | undefined;
  return (
    typeof collectors === 'object' &&
    collectors !== null &&
    typeof collectors.register === 'function' &&
    uses.every((member) => typeof h[member] === MEMBER_KINDS[member])
  );
}
