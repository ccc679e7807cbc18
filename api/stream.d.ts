// The published declarations of ./dist/stream.d.ts, as a report of the public API.
// Generated: do not edit. After changing the API, run: npm run api

import { IncomingMessage, ServerResponse, Server } from 'node:http';
import { Hystrix } from 'hystrix-ts';

/** One process's stream snapshot of one tick. */
interface HostSnapshot {
  /** The process's id in the fleet (unique, such as `host:pid:random`). */
  readonly host: string;
  /** When it was taken (epoch milliseconds, the registry's time). */
  readonly at: number;
  /**
   * The JSON text of the messages of an extended frame, without its `HystrixTsFrame` message: per circuit the
   * `HystrixCommand`, `HystrixThreadPool` and `HystrixTsCircuit` messages.
   */
  readonly messages: readonly string[];
}
/** Where a fleet stream reads the live processes' snapshots, once per tick. */
interface StreamSource {
  /**
   * The snapshots of the processes alive now (one per process; the source decides which are alive). It may be
   * slow or fail: the stream then sends a ping for that tick, and never calls it again before it settled.
   */
  snapshots(): readonly HostSnapshot[] | PromiseLike<readonly HostSnapshot[]>;
}
/**
 * A process's stream snapshot now: every circuit's messages as an extended stream client would read them in
 * this tick. Reading the circuits never changes them.
 *
 * @param hystrix - the process's registry.
 * @param host - the process's id in the fleet (any string; it reaches JSON and the page only escaped).
 */
declare function streamSnapshot(hystrix: Hystrix, host: string): HostSnapshot;

/** Options of a {@link HystrixStream}. */
interface HystrixStreamOptions {
  /** The registry to report (default: the default registry). */
  hystrix?: Hystrix;
  /** Milliseconds between two frames (default 1000, hystrix-go's tick); 10 to 60000. */
  interval?: number;
  /** Clients served at once; past it a client is answered 503 (default 100). */
  maxClients?: number;
  /**
   * Frames kept for a client whose connection cannot keep up, beyond what the socket holds; further frames are
   * dropped for that client until it catches up (default 10, hystrix-go's buffer).
   */
  bufferFrames?: number;
  /** The stream's path (default `/hystrix.stream`). */
  streamPath?: string;
  /** The dashboard page's path (default `/`), or `false` for no page. */
  dashboardPath?: string | false;
  /** An `Access-Control-Allow-Origin` value for the stream, for a dashboard served from elsewhere (default none). */
  allowOrigin?: string;
  /**
   * A fleet's snapshots to serve instead of the registry's circuits: each tick reads the source (never twice at
   * once) and writes the fleet's messages merged as Turbine merges them. A read that fails or outlasts the
   * interval makes its tick a ping and is logged once through the registry's logger. The registry still gives
   * the clock, the logger and `close()`.
   */
  source?: StreamSource;
}
/** A handler for `node:http`, mountable in Express, Fastify or Koa (`next` is called for other paths). */
type StreamHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;
/**
 * The Hystrix event stream (server-sent events exactly as hystrix-go writes them, readable by the Hystrix
 * dashboard and Turbine) and a live dashboard page, served by one handler. One timer ticks for all clients, and
 * only while there are clients; reading the circuits never changes them.
 */
declare class HystrixStream {
  /** The handler: `http.createServer(stream.handler)`, `app.use('/hystrix', stream.handler)`, ... */
  readonly handler: StreamHandler;
  private readonly hystrix;
  private readonly interval;
  private readonly maxClients;
  private readonly bufferFrames;
  private readonly streamPath;
  private readonly dashboardPath;
  private readonly allowOrigin;
  private readonly clients;
  private timer;
  private stopped;
  private droppedByGone;
  private readonly unregister;
  /** The fleet's reader, when the stream serves a source rather than the registry. */
  private readonly reader;
  /** @param options - the registry, the tick, limits and paths. */
  constructor(options?: HystrixStreamOptions);
  /** Clients connected now. */
  get clientCount(): number;
  /** Frames dropped so far for clients that could not keep up. */
  get droppedFrames(): number;
  /**
   * Ends every response and stops the timer: nothing is left running. Later requests for the stream are answered
   * 503. Called by the registry's `close()` too.
   */
  stop(): void;
  private handle;
  private servePage;
  private serveStream;
  private arm;
  private stopTimer;
  private readonly tick;
  /** What a client gets as it connects: the registry's circuits now, or the fleet's as last read. */
  private firstFrame;
  /** Writes what a read of the source gave to every client: the fleet's frame, or a ping. */
  private readonly delivered;
  /**
   * All circuits' messages, framed; a ping comment while there are none. An extended frame starts with a
   * `HystrixTsFrame` message, so that its reader knows which circuits a tick covered, none included (a ping
   * comment never reaches an `EventSource` listener).
   */
  private frame;
  /** Writes a frame, or drops it when the client's connection already holds `bufferFrames` of them. */
  private send;
}

/** Options of {@link startStreamServer}: the stream's, plus where to listen. */
interface StreamServerOptions extends HystrixStreamOptions {
  /** The address to bind (default `127.0.0.1`: the stream shows internals, so it is not public by default). */
  host?: string;
  /** The port (default 0: any free port). */
  port?: number;
}
/** A running stream server. */
interface StreamServer {
  /** The base URL, such as `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** The stream it serves. */
  readonly stream: HystrixStream;
  /** The HTTP server. */
  readonly server: Server;
  /** Ends every stream response and closes the server. */
  close(): Promise<void>;
}
/**
 * Serves a registry's event stream (`/hystrix.stream` by default) and dashboard page (`/`) on a new HTTP
 * server, bound to 127.0.0.1 unless told otherwise. The registry's `close()` closes it too.
 */
declare function startStreamServer(options?: StreamServerOptions): Promise<StreamServer>;

/**
 * The live dashboard page: one self-contained HTML document, inline CSS and JavaScript only, nothing fetched
 * from elsewhere (it runs under the CSP `default-src 'none'; script-src 'unsafe-inline'; style-src
 * 'unsafe-inline'; connect-src 'self'; img-src data:`).
 *
 * The page reads `streamUrl?extended=true` with an `EventSource` and draws one card per circuit as the Hystrix
 * dashboard does: a circle sized by the request rate and coloured by the error percentage, a sparkline of the
 * last two minutes of request rate, the counts by outcome, the error percentage, latency percentiles, the
 * state and the pool. Cards can be filtered by name and sorted by name, error %, volume or latency; both are
 * kept in the URL hash, so that a link reopens the same view. On a fleet's stream, a circuit several processes
 * report says how many are in its state and lists them under its card.
 *
 * @param streamUrl - the stream's URL, relative to the page (such as `hystrix.stream`). Any string is embedded
 *   safely.
 * @returns the HTML document.
 */
declare function dashboardPage(streamUrl: string): string;

/**
 * Turbine's aggregation of a fleet's snapshots: one message list for the whole fleet, per circuit (names in
 * code-unit order) a `HystrixCommand` and a `HystrixThreadPool` message merged as Turbine merges them (figures
 * summed, `reportingHosts` the number of hosts reporting the name, values kept when all hosts agree, else counted
 * per value), then with `extended` the merged `HystrixTsCircuit` message (counts summed, hosts per state,
 * combined latencies, a row per host). Malformed snapshots and messages are left out; it never throws.
 *
 * @param snapshots - the live processes' snapshots ({@link streamSnapshot}); of a host listed twice, the latest.
 * @param now - the aggregation's time (epoch milliseconds), written as `currentTime`.
 * @param extended - whether to include the `HystrixTsCircuit` messages (default true).
 * @returns the JSON text of each message, in stream order.
 */
declare function aggregateSnapshots(
  snapshots: readonly HostSnapshot[],
  now: number,
  extended?: boolean,
): string[];

export {
  type HostSnapshot,
  HystrixStream,
  type HystrixStreamOptions,
  type StreamHandler,
  type StreamServer,
  type StreamServerOptions,
  type StreamSource,
  aggregateSnapshots,
  dashboardPage,
  startStreamServer,
  streamSnapshot,
};
