/** What an upstream status makes of a call: a success, a failure of the upstream, or the caller's fault. */
export type StatusVerdict = 'success' | 'failure' | 'bad-request';

/** Which statuses are the upstream's failures by default: every 5xx, and 429 (Too Many Requests). */
export function defaultIsFailureStatus(status: number): boolean {
  return status >= 500 || status === 429;
}

/**
 * The verdict on a status: a failure when `isFailureStatus` says so; otherwise a bad request from 400 on (it
 * passes through, counts toward nothing and gets no fallback), and a success below.
 */
export function statusVerdict(
  status: number,
  isFailureStatus: (status: number) => boolean,
): StatusVerdict {
  if (isFailureStatus(status)) return 'failure';
  return status >= 400 ? 'bad-request' : 'success';
}

/** Whether a failure status may carry a `Retry-After` the command honours (429 and 503, as RFC 9110 has it). */
export function mayRetryAfter(status: number): boolean {
  return status === 429 || status === 503;
}
