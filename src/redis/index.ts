/**
 * hystrix-ts/redis: fleet mode. The processes of a service share each command's health, state, probe and limits
 * through Redis, with no Redis round trip on a call.
 *
 * @packageDocumentation
 * @module hystrix-ts/redis
 */
export { type JoinFleetOptions, joinFleet } from './join-fleet.js';
export type { Fleet } from './fleet.js';
export type { FleetRedisClient } from './client.js';
export { FleetSnapshots } from './fleet-snapshots.js';
export { keyPart } from './keys.js';
