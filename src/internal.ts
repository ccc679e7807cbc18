/**
 * hystrix-ts/internal: the core's helpers that the package's own subpath modules (the stream, the exports) share
 * with it, so that they are written once. Not part of the public API: it may change in any release.
 *
 * @packageDocumentation
 */
export { describeError } from './errors.js';
export { safeLog } from './logger.js';
export { catchRejection } from './thenable.js';
export { checkFunction, checkInteger, checkName, describeValue } from './validate.js';
export {
  type CircuitFleet,
  type FleetCircuit,
  type FleetHost,
  SharedWindow,
} from './fleet-view.js';
export type { RateLimiter } from './policies/token-bucket.js';
export { TokenBucket } from './policies/token-bucket.js';
export { ADAPTIVE_ALGORITHMS } from './policies/adaptive-limit.js';
export { errorPercent } from './metrics/default-collector.js';
