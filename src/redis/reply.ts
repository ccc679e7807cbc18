/**
 * Replies of the fleet's scripts, checked. Whoever can write to Redis can send anything back: a reply of the
 * wrong shape is refused as a whole (the sync counts as failed), never half applied and never a crash.
 */

/** What a command's sync answered. */
export interface SyncReply {
  /** The window's generation: it changes when the circuit closes somewhere in the fleet. */
  readonly generation: number;
  /** When the fleet's circuit opened, 0 when it is closed. */
  readonly openedAt: number;
  /** This instance holds the fleet's probe. */
  readonly probing: boolean;
  /** The fleet's requests in the window. */
  readonly requests: number;
  /** The fleet's errors in the window. */
  readonly errors: number;
  /** The fleet's slow calls in the window. */
  readonly slow: number;
  /** Tickets granted of the fleet's concurrency limit, -1 when there is none. */
  readonly tickets: number;
  /** Tokens granted of the fleet's rate limit, -1 when there is none. */
  readonly tokens: number;
  /** Forced fleet-wide: 0 not, 1 open, 2 closed. */
  readonly forced: 0 | 1 | 2;
}

/** How far in the future an opening time may lie (clocks of the fleet differ a little; more is refused). */
const MAX_FUTURE_MS = 60_000;

/**
 * The sync reply in `value`, or the reason it is refused. `now`: this instance's time; `tickets` and `tokens`:
 * the most that may have been granted.
 */
export function parseSyncReply(
  value: unknown,
  now: number,
  tickets: number,
  tokens: number,
): SyncReply | string {
  if (!Array.isArray(value) || value.length !== 9) return 'not an array of 9 values';
  const n: number[] = [];
  for (const item of value as unknown[]) {
    const number = typeof item === 'string' ? Number(item) : item;
    if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
      return `a value is not an integer: ${String(item).slice(0, 40)}`;
    }
    n.push(number);
  }
  const [generation = 0, openedAt = 0, probing = 0, requests = 0, errors = 0, slow = 0] = n;
  const [, , , , , , grantedTickets = -1, grantedTokens = -1, forced = 0] = n;
  if (generation < 0) return `generation ${generation} is negative`;
  if (openedAt < 0 || openedAt > now + MAX_FUTURE_MS) return `opening time ${openedAt} is refused`;
  if (probing !== 0 && probing !== 1) return `probing is ${probing}`;
  if (requests < 0 || errors < 0 || slow < 0 || errors > requests || slow > requests) {
    return `window counts ${requests}/${errors}/${slow} are inconsistent`;
  }
  if (grantedTickets < -1 || grantedTickets > Math.max(tickets, 0)) {
    return `tickets granted ${grantedTickets} exceed the limit`;
  }
  if (grantedTokens < -1 || grantedTokens > Math.max(tokens, 0)) {
    return `tokens granted ${grantedTokens} exceed those wanted`;
  }
  if (forced !== 0 && forced !== 1 && forced !== 2) return `forced is ${forced}`;
  return {
    generation,
    openedAt,
    probing: probing === 1,
    requests,
    errors,
    slow,
    tickets: grantedTickets,
    tokens: grantedTokens,
    forced,
  };
}

/** The number of live instances in a heartbeat's reply, or the reason it is refused. */
export function parseBeatReply(value: unknown): number | string {
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) {
    return 'the number of live instances is not an integer';
  }
  return number;
}
