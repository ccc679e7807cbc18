import type { IncomingMessage, ServerResponse } from 'node:http';
import { posix } from 'node:path';
import { type ClockTimer, defaultHystrix, type Hystrix } from 'hystrix-ts';
import { checkFunction, checkInteger, describeValue } from 'hystrix-ts/internal';
import { dashboardPage } from './dashboard-page.js';
import { circuitMessages, frameMessage } from './messages.js';
import type { StreamSource } from './snapshot.js';
import { fleetFrame, PING, type ReadOutcome, SourceReader } from './source-reader.js';

/** Options of a {@link HystrixStream}. */
export interface HystrixStreamOptions {
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
export type StreamHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

/** One connected client. */
class Client {
  /** Frames written while the socket was not draining. */
  queued = 0;
  /** The socket could not take the last write. */
  backedUp = false;
  /** Frames dropped because it could not keep up. */
  dropped = 0;

  constructor(
    readonly res: ServerResponse,
    readonly extended: boolean,
  ) {}
}

/**
 * The Hystrix event stream (server-sent events exactly as hystrix-go writes them, readable by the Hystrix
 * dashboard and Turbine) and a live dashboard page, served by one handler. One timer ticks for all clients, and
 * only while there are clients; reading the circuits never changes them.
 */
export class HystrixStream {
  /** The handler: `http.createServer(stream.handler)`, `app.use('/hystrix', stream.handler)`, ... */
  readonly handler: StreamHandler;
  private readonly hystrix: Hystrix;
  private readonly interval: number;
  private readonly maxClients: number;
  private readonly bufferFrames: number;
  private readonly streamPath: string;
  private readonly dashboardPath: string | false;
  private readonly allowOrigin: string | undefined;
  private readonly clients = new Set<Client>();
  private timer: ClockTimer | null = null;
  private stopped = false;
  private droppedByGone = 0;
  private readonly unregister: () => void;
  /** The fleet's reader, when the stream serves a source rather than the registry. */
  private readonly reader: SourceReader | null;

  /** @param options - the registry, the tick, limits and paths. */
  constructor(options: HystrixStreamOptions = {}) {
    const input: unknown = options;
    if (typeof input !== 'object' || input === null) {
      throw new TypeError('new HystrixStream(options): options must be an object');
    }
    this.hystrix = options.hystrix ?? defaultHystrix;
    this.interval = integer(options.interval, 'interval', 1000, 10, 60_000);
    this.maxClients = integer(options.maxClients, 'maxClients', 100, 1, 100_000);
    this.bufferFrames = integer(options.bufferFrames, 'bufferFrames', 10, 0, 10_000);
    this.streamPath = path(options.streamPath, 'streamPath', '/hystrix.stream');
    this.dashboardPath =
      options.dashboardPath === false ? false : path(options.dashboardPath, 'dashboardPath', '/');
    if (options.allowOrigin !== undefined && typeof options.allowOrigin !== 'string') {
      throw new TypeError('allowOrigin must be a string');
    }
    this.allowOrigin = options.allowOrigin;
    this.reader =
      options.source === undefined
        ? null
        : new SourceReader(
            checkSource(options.source),
            this.hystrix,
            this.interval,
            this.delivered,
          );
    this.handler = (req, res, next) => {
      this.handle(req, res, next);
    };
    this.unregister = this.hystrix.onClose(() => {
      this.stop();
    });
  }

  /** Clients connected now. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Frames dropped so far for clients that could not keep up. */
  get droppedFrames(): number {
    let dropped = 0;
    for (const client of this.clients) dropped += client.dropped;
    return dropped + this.droppedByGone;
  }

  /**
   * Ends every response and stops the timer: nothing is left running. Later requests for the stream are answered
   * 503. Called by the registry's `close()` too.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.unregister();
    this.stopTimer();
    for (const client of [...this.clients]) client.res.end();
    this.clients.clear();
  }

  private handle(
    req: IncomingMessage,
    res: ServerResponse,
    next?: (error?: unknown) => void,
  ): void {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const pathname = query < 0 ? url : url.slice(0, query);
    const isStream = pathname === this.streamPath;
    const isPage = this.dashboardPath !== false && pathname === this.dashboardPath;
    if (!isStream && !isPage) {
      if (next !== undefined) next();
      else plain(res, 404, 'not found');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      plain(res, 405, 'method not allowed');
      return;
    }
    if (isPage) this.servePage(req, res);
    else
      this.serveStream(
        req,
        res,
        query >= 0 && /(?:^|&)extended=(?:1|true)(?:&|$)/.test(url.slice(query + 1)),
      );
  }

  private servePage(req: IncomingMessage, res: ServerResponse): void {
    // Mounted under a prefix (Express strips it from req.url), the page needs a trailing slash for its relative
    // stream URL to resolve under the prefix.
    const original = (req as IncomingMessage & { originalUrl?: string }).originalUrl;
    if (this.dashboardPath === '/' && original !== undefined) {
      const q = original.indexOf('?');
      const originalPath = q < 0 ? original : original.slice(0, q);
      if (!originalPath.endsWith('/')) {
        res.writeHead(301, { Location: `${originalPath}/${q < 0 ? '' : original.slice(q)}` });
        res.end();
        return;
      }
    }
    const from = posix.dirname(`${this.dashboardPath === false ? '/' : this.dashboardPath}x`);
    const streamUrl = posix.relative(from, this.streamPath) || '.';
    const body = dashboardPage(streamUrl);
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-cache',
      'Content-Security-Policy':
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  private serveStream(req: IncomingMessage, res: ServerResponse, extended: boolean): void {
    if (this.stopped) {
      plain(res, 503, 'hystrix: the stream is stopped');
      return;
    }
    if (this.clients.size >= this.maxClients) {
      res.setHeader('Retry-After', '10');
      plain(res, 503, `hystrix: too many stream clients (at most ${this.maxClients})`);
      return;
    }
    const headers: Record<string, string> = {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    };
    if (this.allowOrigin !== undefined) headers['Access-Control-Allow-Origin'] = this.allowOrigin;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const client = new Client(res, extended);
    this.clients.add(client);
    res.on('close', () => {
      this.droppedByGone += client.dropped;
      this.clients.delete(client);
      if (this.clients.size === 0) this.stopTimer();
    });
    res.on('drain', () => {
      client.backedUp = false;
      client.queued = 0;
    });
    // The response starts at once, even with no circuit yet (hystrix-go sends nothing until its first tick).
    this.send(client, PING + this.firstFrame(extended));
    if (this.timer === null) this.arm();
  }

  private arm(): void {
    const timer = this.hystrix.clock.setTimeout(this.tick, this.interval);
    timer.unref();
    this.timer = timer;
  }

  private stopTimer(): void {
    if (this.timer !== null) this.hystrix.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private readonly tick = (): void => {
    this.timer = null;
    if (this.stopped || this.clients.size === 0) return;
    if (this.reader !== null) {
      this.reader.tick();
      this.arm();
      return;
    }
    let standard: string | undefined;
    let extended: string | undefined;
    for (const client of this.clients) {
      const frame = client.extended
        ? (extended ??= this.frame(true))
        : (standard ??= this.frame(false));
      this.send(client, frame);
    }
    this.arm();
  };

  /** What a client gets as it connects: the registry's circuits now, or the fleet's as last read. */
  private firstFrame(extended: boolean): string {
    if (this.reader === null) return this.frame(extended);
    const latest = this.reader.latest;
    return latest === null ? '' : fleetFrame(latest.circuits, latest.now, extended);
  }

  /** Writes what a read of the source gave to every client: the fleet's frame, or a ping. */
  private readonly delivered = (outcome: ReadOutcome): void => {
    if (this.stopped) return;
    if (outcome.kind === 'ping') {
      for (const client of this.clients) this.send(client, PING);
      return;
    }
    let standard: string | undefined;
    let extended: string | undefined;
    for (const client of this.clients) {
      const frame = client.extended
        ? (extended ??= fleetFrame(outcome.circuits, outcome.now, true))
        : (standard ??= fleetFrame(outcome.circuits, outcome.now, false));
      this.send(client, frame);
    }
  };

  /**
   * All circuits' messages, framed; a ping comment while there are none. An extended frame starts with a
   * `HystrixTsFrame` message, so that its reader knows which circuits a tick covered, none included (a ping
   * comment never reaches an `EventSource` listener).
   */
  private frame(extended: boolean): string {
    const circuits = this.hystrix.getCircuits();
    // The registry's time never goes backwards, whatever its wall clock does.
    const now = this.hystrix.now();
    let out = extended ? `data:${frameMessage(circuits.length, now)}\n\n` : '';
    if (circuits.length === 0) return PING + out;
    for (const circuit of circuits) {
      for (const message of circuitMessages(circuit, now, extended)) out += `data:${message}\n\n`;
    }
    return out;
  }

  /** Writes a frame, or drops it when the client's connection already holds `bufferFrames` of them. */
  private send(client: Client, frame: string): void {
    if (client.backedUp) {
      if (client.queued >= this.bufferFrames) {
        client.dropped++;
        return;
      }
      client.queued++;
    }
    if (!client.res.write(frame)) client.backedUp = true;
  }
}

function plain(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-cache',
  });
  res.end(`${message}\n`);
}

function checkSource(value: unknown): StreamSource {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(
      `source must be an object with a snapshots() method, got ${describeValue(value)}`,
    );
  }
  checkFunction((value as { snapshots?: unknown }).snapshots, 'source.snapshots');
  return value as StreamSource;
}

function integer(value: unknown, name: string, fallback: number, min: number, max: number): number {
  return value === undefined ? fallback : checkInteger(value, name, min, max);
}

function path(value: unknown, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !value.startsWith('/') || /[?#\s]/.test(value)) {
    throw new TypeError(`${name} must be a path starting with '/', without '?', '#' or spaces`);
  }
  return value;
}
