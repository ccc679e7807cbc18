/**
 * A plain HTTP client for the route tests: one connection per request (no agent keeps sockets between tests), the
 * status, headers and body of the answer, or how the connection ended.
 */
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a request got. */
export type Answer =
  | {
      readonly kind: 'answered';
      readonly status: number;
      readonly headers: IncomingHttpHeaders;
      readonly body: string;
    }
  /** The connection ended before a whole answer (reset, or destroyed by the server mid-body). */
  | { readonly kind: 'cut'; readonly status: number | undefined; readonly error: string };

/** A request under way: its answer, and a way to hang up before it comes. */
export interface Pending {
  readonly answer: Promise<Answer>;
  /** The client goes away: the connection is destroyed. */
  hangUp(): void;
  /** Resolves once the request has been written (headers and end) on its socket. */
  readonly sent: Promise<void>;
}

/** A request's extras: headers, and a JSON body. */
export interface Extras {
  readonly headers?: Record<string, string>;
  readonly json?: unknown;
}

/** Sends `method path` to `base` (such as `http://127.0.0.1:1234`). */
export function send(base: string, path: string, method = 'GET', extras: Extras = {}): Pending {
  const headers = { ...extras.headers };
  if (extras.json !== undefined) headers['content-type'] = 'application/json';
  const req = httpRequest(`${base}${path}`, { method, agent: false, headers });
  let status: number | undefined;
  const answer = new Promise<Answer>((resolve) => {
    req.on('response', (res) => {
      status = res.statusCode;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({
          kind: 'answered',
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
      res.on('error', (error) => {
        resolve({ kind: 'cut', status, error: error.message });
      });
      res.on('aborted', () => {
        resolve({ kind: 'cut', status, error: 'aborted' });
      });
    });
    req.on('error', (error) => {
      resolve({ kind: 'cut', status, error: error.message });
    });
  });
  const sent = new Promise<void>((resolve) => {
    req.on('finish', () => {
      resolve();
    });
  });
  req.end(extras.json === undefined ? undefined : JSON.stringify(extras.json));
  return {
    answer,
    sent,
    hangUp: () => {
      req.destroy();
    },
  };
}

/** Sends a request and waits for its answer. */
export function get(
  base: string,
  path: string,
  method = 'GET',
  extras: Extras = {},
): Promise<Answer> {
  return send(base, path, method, extras).answer;
}

/** The answer, which must be a whole one. */
export function answered(answer: Answer): Extract<Answer, { kind: 'answered' }> {
  if (answer.kind !== 'answered')
    throw new Error(`expected an answer, got ${JSON.stringify(answer)}`);
  return answer;
}

/** The base URL of a server listening on 127.0.0.1. */
export function baseOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Listens on 127.0.0.1, any free port. */
export function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(baseOf(server));
    });
  });
}

/** Closes a server and every connection it still has. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeAllConnections();
  });
}
