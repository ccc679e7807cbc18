/**
 * hystrix-ts/stream: the Hystrix event stream (server-sent events readable by the Hystrix dashboard and Turbine)
 * and a live dashboard page, served by one `node:http` handler.
 *
 * @packageDocumentation
 * @module hystrix-ts/stream
 */
export { HystrixStream, type HystrixStreamOptions, type StreamHandler } from './event-stream.js';
export { type StreamServer, type StreamServerOptions, startStreamServer } from './server.js';
export { dashboardPage } from './dashboard-page.js';
