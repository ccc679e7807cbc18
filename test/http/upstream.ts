/**
 * A local upstream on 127.0.0.1 for the HTTP client tests: each path behaves one way (answers, fails, hangs,
 * resets), and the server records what it saw, down to each request's socket closing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';

/** What the upstream saw of one request. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  /** Whether the request's socket has closed. */
  socketClosed: boolean;
}

export interface Upstream {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Every request, in arrival order. */
  readonly seen: SeenRequest[];
  /** Sockets open on the server side now. */
  openSockets(): number;
  /** Closes every connection and the server. */
  close(): Promise<void>;
}

/**
 * Paths: `/ok` (200 "ok"), `/status/<code>` (that status, body "<code>"; 429 and 503 with `Retry-After` from the
 * `retry-after` query), `/redirect` (302 to `/ok`), `/hang` (never answers), `/hang-body` (headers, then a body
 * that never ends), `/slow?ms=N` (answers after N real ms), `/reset` (destroys the socket), `/echo` (200 with
 * the method and path as JSON).
 */
export async function startUpstream(): Promise<Upstream> {
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://upstream');
    const entry: SeenRequest = {
      method: req.method ?? '',
      path: url.pathname,
      socketClosed: false,
    };
    seen.push(entry);
    const closed = (): void => {
      entry.socketClosed = true;
    };
    // Until the answer is sent: a kept-alive socket serves many requests, and must not gather a listener each.
    req.socket.once('close', closed);
    res.once('finish', () => req.socket.off('close', closed));
    respond(url, req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    openSockets: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function respond(url: URL, req: IncomingMessage, res: ServerResponse): void {
  const path = url.pathname;
  if (path === '/ok') {
    res.end('ok');
  } else if (path === '/echo') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, path: req.url }));
  } else if (path.startsWith('/status/')) {
    const status = Number(path.slice('/status/'.length));
    const retryAfter = url.searchParams.get('retry-after');
    if (retryAfter !== null) res.setHeader('retry-after', retryAfter);
    res.statusCode = status;
    if (status === 204 || status === 304) res.end();
    else res.end(String(status));
  } else if (path === '/redirect') {
    res.statusCode = 302;
    res.setHeader('location', '/ok');
    res.end();
  } else if (path === '/hang') {
    // Never answers: the client must give up and close the socket.
  } else if (path === '/hang-body') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('partial');
  } else if (path === '/slow') {
    const timer = setTimeout(() => res.end('slow'), Number(url.searchParams.get('ms') ?? '50'));
    res.once('close', () => clearTimeout(timer));
  } else if (path === '/reset') {
    req.socket.destroy();
  } else {
    res.statusCode = 404;
    res.end('not found');
  }
}

/**
 * A client with its own connection pool, so that a test can close it and see every socket go: requests made
 * through it must not leave a socket open once it is closed.
 */
export function ownAgent(): { agent: Agent; fetch: typeof fetch; close: () => Promise<void> } {
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  // undici's own fetch, of the version the agent is: the global one may be another.
  const viaAgent = ((input: string | URL, init?: RequestInit) =>
    undiciFetch(input, { ...init, dispatcher: agent } as never)) as unknown as typeof fetch;
  return { agent, fetch: viaAgent, close: () => agent.close() };
}
