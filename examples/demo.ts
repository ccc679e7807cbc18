/**
 * The full picture, on 127.0.0.1: a flaky upstream HTTP service, a client calling it under steady load through
 * three commands with fallbacks, and the live dashboard. The upstream goes through phases, so within a minute
 * the circuits open, short-circuit, probe and close.
 *
 *   npm run demo                    # runs until Ctrl-C; open the printed address in a browser
 *   npm run demo -- --seconds 30    # stops by itself after 30 s
 *   npm run demo -- --port 8081     # the dashboard on a fixed port (default: any free port)
 *   npm run demo -- --host 0.0.0.0  # the dashboard on every interface (default: 127.0.0.1 only)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hystrix, isCircuitOpen } from 'hystrix-ts';
import { startStreamServer } from 'hystrix-ts/stream';

/** One phase of the upstream's minute. */
interface Phase {
  readonly name: string;
  readonly until: number; // second of the minute
  /** Per route: chance of an HTTP 503, and latency in ms. */
  readonly routes: Readonly<Record<Route, { errorRate: number; latencyMs: number }>>;
}

type Route = 'inventory' | 'pricing' | 'reviews';
const ROUTES: readonly Route[] = ['inventory', 'pricing', 'reviews'];

const healthy = { errorRate: 0.01, latencyMs: 20 };
const PHASES: readonly Phase[] = [
  {
    name: 'healthy',
    until: 12,
    routes: { inventory: healthy, pricing: healthy, reviews: healthy },
  },
  {
    name: 'inventory failing',
    until: 27,
    routes: { inventory: { errorRate: 0.85, latencyMs: 30 }, pricing: healthy, reviews: healthy },
  },
  {
    name: 'pricing slow',
    until: 42,
    routes: { inventory: healthy, pricing: { errorRate: 0, latencyMs: 600 }, reviews: healthy },
  },
  {
    name: 'recovering',
    until: 60,
    routes: { inventory: healthy, pricing: healthy, reviews: { errorRate: 0.1, latencyMs: 40 } },
  },
];

const CALLS_PER_SECOND = 40; // per command

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The dashboard's port from `--port`: 0 (any free port) when absent. */
function portArgument(): number {
  const value = argument('--port');
  if (value === undefined) return 0;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new RangeError(`--port must be an integer from 0 to 65535, got ${value}`);
  }
  return port;
}

/** The flaky upstream: /inventory, /pricing and /reviews, whose health follows the phase of the minute. */
async function startUpstream(phase: () => Phase): Promise<{ url: string; close(): void }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const route = (req.url ?? '/').slice(1).split('?')[0] as Route;
    if (!ROUTES.includes(route)) {
      res.writeHead(404).end();
      return;
    }
    const { errorRate, latencyMs } = phase().routes[route];
    const timer = setTimeout(() => {
      if (Math.random() < errorRate) res.writeHead(503).end('{"error":"unavailable"}');
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end(`{"${route}":42}`);
    }, latencyMs);
    // The client aborted (the command timed out): stop working on it.
    req.on('close', () => {
      if (!res.writableEnded) clearTimeout(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}

async function main(): Promise<void> {
  const seconds = argument('--seconds');
  const limit = seconds === undefined ? Infinity : Number(seconds);
  if (!(limit > 0)) throw new RangeError('--seconds must be a positive number');
  const port = portArgument();
  // The stream shows a service's internals: only this machine sees it unless asked otherwise.
  const host = argument('--host') ?? '127.0.0.1';
  const start = Date.now();
  const phase = (): Phase => {
    const second = ((Date.now() - start) / 1000) % 60;
    return PHASES.find((p) => second < p.until) ?? PHASES[PHASES.length - 1]!;
  };

  const upstream = await startUpstream(phase);
  const h = new Hystrix({ logger: { info: () => undefined, error: (m) => console.error(m) } });
  const shared = {
    requestVolumeThreshold: 10,
    sleepWindow: 3000,
    rollingWindow: 5000,
    rollingBuckets: 5,
  };
  h.configure({
    inventory: { ...shared, timeout: 300 },
    pricing: { ...shared, timeout: 250 },
    reviews: { ...shared, timeout: 300, errorPercentThreshold: 50 },
  });
  const dashboard = await startStreamServer({ hystrix: h, host, port });

  const fallbacks: Readonly<Record<Route, unknown>> = {
    inventory: { inventory: 'unknown' },
    pricing: { pricing: 'list price' },
    reviews: { reviews: [] },
  };
  const counts = new Map<Route, { ok: number; fallback: number; shorted: number }>(
    ROUTES.map((r) => [r, { ok: 0, fallback: 0, shorted: 0 }]),
  );
  const call = (route: Route): void => {
    const tally = counts.get(route)!;
    void h
      .do(
        route,
        async ({ signal }) => {
          // The command's timeout aborts the signal: the HTTP request is dropped, not left running.
          const res = await fetch(`${upstream.url}/${route}`, { signal });
          if (!res.ok) throw new Error(`${route}: HTTP ${res.status}`);
          return await res.json();
        },
        (error) => {
          tally.fallback++;
          if (isCircuitOpen(error)) tally.shorted++;
          return fallbacks[route];
        },
      )
      .then(() => {
        tally.ok++;
      });
  };

  console.log(
    `Dashboard:  ${dashboard.url}/   (the Hystrix stream is at ${dashboard.url}/hystrix.stream)`,
  );
  console.log(
    `Upstream:   ${upstream.url}   (phases of a minute: ${PHASES.map((p) => p.name).join(', ')})`,
  );
  console.log('Ctrl-C stops.\n');

  const load = setInterval(() => {
    for (const route of ROUTES) call(route);
  }, 1000 / CALLS_PER_SECOND);
  let second = 0;
  const status = setInterval(() => {
    second++;
    const parts = ROUTES.map((route) => {
      const { state } = h.getCircuit(route).circuit;
      const c = counts.get(route)!;
      const answered = c.ok - c.fallback;
      const line =
        `${route} ${state.padEnd(9)} ${String(answered).padStart(2)} ok ` +
        `${String(c.fallback).padStart(2)} fallback ${String(c.shorted).padStart(2)} short-circuited`;
      c.ok = c.fallback = c.shorted = 0;
      return line;
    });
    console.log(
      `${String(second).padStart(4)}s  ${phase().name.padEnd(17)} | ${parts.join(' | ')}`,
    );
    if (second >= limit) stop();
  }, 1000);

  let stopped = false;
  function stop(): void {
    if (stopped) return;
    stopped = true;
    clearInterval(load);
    clearInterval(status);
    h.close(); // ends the calls in flight, stops the stream and closes the dashboard server
    upstream.close();
    console.log('\nStopped.');
  }
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
