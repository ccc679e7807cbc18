/**
 * Event types, spelled exactly as hystrix-go spells them (note the mixed `-` and `_`). Internally an event is a
 * small integer, so that recording one is an array index rather than a string compare. `bad-request` (Hystrix
 * Java's) and `rate-limited` are this library's own: neither counts toward health.
 */

/** The primary outcome of one execution. */
export type EventType =
  | 'success'
  | 'failure'
  | 'rejected'
  | 'short-circuit'
  | 'timeout'
  | 'context_canceled'
  | 'context_deadline_exceeded'
  | 'bad-request'
  | 'rate-limited';

/** The outcome of a fallback, reported after the primary event when a fallback ran. */
export type FallbackEventType = 'fallback-success' | 'fallback-failure';

/** @internal The code of a primary event: its position in {@link EVENT_TYPES}. */
export type EventCode =
  | typeof SUCCESS
  | typeof FAILURE
  | typeof REJECTED
  | typeof SHORT_CIRCUIT
  | typeof TIMEOUT
  | typeof CONTEXT_CANCELED
  | typeof CONTEXT_DEADLINE_EXCEEDED
  | typeof BAD_REQUEST
  | typeof RATE_LIMITED;

/** @internal The code of a fallback's outcome, or {@link NO_FALLBACK}. */
export type FallbackCode = typeof NO_FALLBACK | typeof FALLBACK_SUCCESS | typeof FALLBACK_FAILURE;

/** @internal */
export const SUCCESS = 0;
/** @internal */
export const FAILURE = 1;
/** @internal */
export const REJECTED = 2;
/** @internal */
export const SHORT_CIRCUIT = 3;
/** @internal */
export const TIMEOUT = 4;
/** @internal */
export const CONTEXT_CANCELED = 5;
/** @internal */
export const CONTEXT_DEADLINE_EXCEEDED = 6;
/** @internal The first event that is not a request for health: codes from here on are not counted as requests. */
export const BAD_REQUEST = 7;
/** @internal */
export const RATE_LIMITED = 8;

/** @internal */
export const NO_FALLBACK = 0;
/** @internal */
export const FALLBACK_SUCCESS = 1;
/** @internal */
export const FALLBACK_FAILURE = 2;

/** @internal Event names by code: the codes are the positions in {@link EVENT_TYPES}. */
export const EVENT_NAMES = Object.freeze([
  'success',
  'failure',
  'rejected',
  'short-circuit',
  'timeout',
  'context_canceled',
  'context_deadline_exceeded',
  'bad-request',
  'rate-limited',
] as const) satisfies Readonly<Record<EventCode, EventType>>;

/** Every primary event type, in hystrix-go's order (exporters use it to create their series up front). */
export const EVENT_TYPES: readonly EventType[] = EVENT_NAMES;

/** Both fallback event types. */
export const FALLBACK_EVENT_TYPES: readonly FallbackEventType[] = Object.freeze([
  'fallback-success',
  'fallback-failure',
]);

/** @internal Fallback event names by code (index 0: no fallback ran). */
export const FALLBACK_EVENT_NAMES: readonly (FallbackEventType | undefined)[] = [
  undefined,
  'fallback-success',
  'fallback-failure',
];

/**
 * @internal Which events count as errors for the circuit's health (hystrix-go: failure, rejected, short-circuit
 * and timeout; the two context events count as requests only; bad requests and rate-limited calls not at all).
 */
export const IS_ERROR: readonly boolean[] = [
  false,
  true,
  true,
  true,
  true,
  false,
  false,
  false,
  false,
];

/** @internal An execution that is a call's first attempt, or an execution of a call without retries or hedges. */
export const ATTEMPT_FIRST = 0;
/** @internal An execution that retries a call after a failure or a timeout. */
export const ATTEMPT_RETRY = 1;
/** @internal A hedge: an execution started because the call's earlier ones had not answered. */
export const ATTEMPT_HEDGE = 2;
/** @internal A hedge whose success answered the call. */
export const ATTEMPT_HEDGE_WON = 3;
/** @internal What an execution was to its call. */
export type AttemptRole =
  typeof ATTEMPT_FIRST | typeof ATTEMPT_RETRY | typeof ATTEMPT_HEDGE | typeof ATTEMPT_HEDGE_WON;
