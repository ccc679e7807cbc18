import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultHystrix } from 'hystrix-ts';
import { HystrixStream, type HystrixStreamOptions } from './event-stream.js';

/** Options of {@link startStreamServer}: the stream's, plus where to listen. */
export interface StreamServerOptions extends HystrixStreamOptions {
  /** The address to bind (default `127.0.0.1`: the stream shows internals, so it is not public by default). */
  host?: string;
  /** The port (default 0: any free port). */
  port?: number;
}

/** A running stream server. */
export interface StreamServer {
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
export async function startStreamServer(options: StreamServerOptions = {}): Promise<StreamServer> {
  const { host = '127.0.0.1', port = 0, ...streamOptions } = options;
  if (typeof host !== 'string') throw new TypeError('host must be a string');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  const stream = new HystrixStream(streamOptions);
  const server = createServer(stream.handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      unregister();
      stream.stop();
      server.close(() => {
        resolve();
      });
      server.closeAllConnections();
    }));
  const unregister = (streamOptions.hystrix ?? defaultHystrix).onClose(() => close());
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${shownHost}:${address.port}`, port: address.port, stream, server, close };
}
