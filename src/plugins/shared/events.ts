import {
  EVENT_TYPES,
  type EventType,
  FALLBACK_EVENT_TYPES,
  type FallbackEventType,
} from 'hystrix-ts';

/** hystrix-go's event strings, exactly, primary then fallback: the values of the event label. */
export const EVENTS: readonly (EventType | FallbackEventType)[] = [
  ...EVENT_TYPES,
  ...FALLBACK_EVENT_TYPES,
];

/** The position of each event in {@link EVENTS}, where per-event counts are kept. */
export const EVENT_INDEX: ReadonlyMap<string, number> = new Map<string, number>(
  EVENTS.map((event, i) => [event, i]),
);

/**
 * Adds one to the count of `event` in `counts` (kept by position in {@link EVENTS}). False, counting nothing, for
 * an event that has no place there.
 */
export function countEvent(counts: Float64Array, event: string): boolean {
  const i = EVENT_INDEX.get(event);
  if (i === undefined) return false;
  const n = counts[i];
  if (n === undefined) return false;
  counts[i] = n + 1;
  return true;
}

/** A circuit's states, each given its own series (1 for the current one, else 0). */
export const CIRCUIT_STATES = ['closed', 'open', 'half-open'] as const;
