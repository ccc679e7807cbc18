/**
 * hystrix-ts/stream: the Hystrix event stream (server-sent events readable by the Hystrix dashboard and Turbine)
 * and a live dashboard page, served by one `node:http` handler; for a fleet, each process's snapshot and their
 * aggregation as Turbine does it.
 *
 * @packageDocumentation
 * @module hystrix-ts/stream
 */
export { HystrixStream, type HystrixStreamOptions, type StreamHandler } from './event-stream.js';
export { type StreamServer, type StreamServerOptions, startStreamServer } from './server.js';
export { dashboardPage } from './dashboard-page.js';
export { type HostSnapshot, type StreamSource, streamSnapshot } from './snapshot.js';
export { aggregateSnapshots } from './aggregate.js';
