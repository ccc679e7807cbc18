import { createConnection, type Socket } from 'node:net';
import type { Hystrix } from 'hystrix-ts';
import { describeError } from 'hystrix-ts/internal';
import { logSafely } from '../shared/logging.js';

const FIRST_RETRY_DELAY = 1000;
const MAX_RETRY_DELAY = 60_000;
// How long a final write may take at stop before the socket is destroyed anyway: a server that stopped reading
// must not keep the process alive.
const CLOSE_GRACE = 5000;

/** One connection to a Graphite server, made again whenever it is lost, and the lines waiting for it. */
export class GraphiteConnection {
  private pending: string[] = [];
  private socket: Socket | null = null;
  private connected = false;
  private retryAt = Number.NEGATIVE_INFINITY;
  private retryDelay = 0;
  private dropped = 0;
  private lastError: unknown = undefined;
  private stopped = false;

  /**
   * @param hystrix - the registry whose clock times the back-off, and whose logger hears of the connection.
   * @param maxBufferedLines - the most lines kept while they cannot be written.
   */
  constructor(
    private readonly hystrix: Hystrix,
    private readonly host: string,
    private readonly port: number,
    private readonly maxBufferedLines: number,
  ) {}

  /** The lines waiting to be written, to append to (the array is replaced once they are written). */
  get lines(): string[] {
    return this.pending;
  }

  /** Stops connecting and writing, but for the last write that {@link GraphiteConnection.close} makes. */
  stop(): void {
    this.stopped = true;
  }

  /** Drops the oldest pending lines past the bound: memory stays bounded however long the server is away. */
  trim(): void {
    const excess = this.pending.length - this.maxBufferedLines;
    if (excess <= 0) return;
    this.pending.splice(0, excess);
    if (this.dropped === 0) {
      this.log(
        'error',
        `graphite: lines for ${this.address()} are piling up (not connected, or the server is slow); ` +
          `keeping the newest ${this.maxBufferedLines}, dropping older ones`,
      );
    }
    this.dropped += excess;
  }

  /** Writes the pending lines if connected, or tries to connect (no sooner than the back-off allows). */
  send(): void {
    if (this.pending.length === 0) return;
    const socket = this.socket;
    if (socket === null) {
      this.connect();
      return;
    }
    // Still connecting, or the kernel has not taken the last write yet: the lines wait here, where they are
    // bounded, rather than in the socket's unbounded buffer.
    if (!this.connected || socket.writableNeedDrain) return;
    const data = this.pending.join('');
    this.pending = [];
    socket.write(data);
    if (this.dropped > 0) {
      this.log('error', `graphite: ${this.dropped} lines for ${this.address()} were dropped`);
      this.dropped = 0;
    }
  }

  /** Starts connecting, unless connected or connecting already, stopped, or backing off. */
  connect(): void {
    if (this.socket !== null || this.stopped) return;
    if (this.hystrix.now() < this.retryAt) return;
    let socket: Socket;
    try {
      socket = createConnection({ host: this.host, port: this.port });
    } catch (error: unknown) {
      this.failed(error);
      return;
    }
    this.socket = socket;
    socket.unref();
    // Graphite says nothing back; whatever comes is read and dropped, so that it cannot pile up unread.
    socket.resume();
    socket.on('connect', () => {
      if (this.socket !== socket) return;
      this.connected = true;
      this.retryDelay = 0;
      this.retryAt = Number.NEGATIVE_INFINITY;
      this.lastError = undefined;
      this.log('info', `graphite: connected to ${this.address()}`);
      this.send();
    });
    socket.on('drain', () => {
      if (this.socket === socket && !this.stopped) this.send();
    });
    socket.on('error', (error: Error) => {
      this.lastError = error;
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      const wasConnected = this.connected;
      this.socket = null;
      this.connected = false;
      if (this.stopped) return;
      const why =
        this.lastError === undefined ? 'closed by the server' : describeError(this.lastError);
      this.lastError = undefined;
      if (wasConnected) {
        this.log(
          'error',
          `graphite: connection to ${this.address()} lost (${why}); keeping lines until it is back`,
        );
        this.backOff();
      } else {
        this.failed(why);
      }
    });
  }

  /**
   * Sends what is pending once connected (a connection still being made is waited for), ends the connection,
   * and resolves once the socket is closed.
   */
  close(): Promise<void> {
    const socket = this.socket;
    if (socket === null) {
      this.discard();
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      // Held open only for the last write, and only for so long: a server that is slow to accept or to read
      // must not keep the process alive.
      socket.ref();
      const guard = setTimeout(() => socket.destroy(), CLOSE_GRACE);
      guard.unref();
      socket.once('close', () => {
        clearTimeout(guard);
        this.discard();
        resolve();
      });
      const finish = (): void => {
        const data = this.pending.join('');
        this.pending = [];
        // Destroyed once the kernel has the data and the end, so that a server that never closes its side
        // cannot hold the socket.
        socket.end(data, () => socket.destroy());
      };
      if (this.connected) finish();
      else socket.once('connect', finish);
    });
  }

  private failed(error: unknown): void {
    this.log(
      'error',
      `graphite: cannot connect to ${this.address()}: ${describeError(error)}; retrying at a later write`,
    );
    this.backOff();
  }

  private backOff(): void {
    this.retryDelay =
      this.retryDelay === 0 ? FIRST_RETRY_DELAY : Math.min(this.retryDelay * 2, MAX_RETRY_DELAY);
    this.retryAt = this.hystrix.now() + this.retryDelay;
  }

  /** Forgets lines that can no longer be sent, saying how many. */
  private discard(): void {
    if (this.pending.length > 0) {
      this.log(
        'error',
        `graphite: stopped before ${this.address()} could be reached; ` +
          `${this.pending.length} lines were not sent`,
      );
    }
    this.pending = [];
  }

  private address(): string {
    return `${this.host}:${this.port}`;
  }

  private log(level: 'info' | 'error', text: string): void {
    logSafely(this.hystrix, level, text);
  }
}
