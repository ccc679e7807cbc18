/**
 * An API gateway on 127.0.0.1, in front of two flaky upstreams it starts itself: `users` fails often (500s, and
 * now and then a 429 with Retry-After), `catalog` is slow now and then and sometimes hangs. Requests are
 * forwarded with undici through the hystrix-ts/undici interceptor: one command per upstream endpoint, a
 * fallback that answers the last good answer for the path (or a default), a rate limit per client, and the
 * dashboard. Generated load runs against it; at the end it prints what happened, per upstream.
 *
 *   npm run demo:gateway                    # a minute of load, then the summary
 *   npm run demo:gateway -- --seconds 10    # ten seconds
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, type Dispatcher, request } from 'undici';
import { Hystrix, isCircuitOpen, isRateLimited } from 'hystrix-ts';
import { startStreamServer } from 'hystrix-ts/stream';
import { createInterceptor, type HttpCall, isRetryAfterError } from 'hystrix-ts/undici';

type UpstreamName = 'users' | 'catalog';
const UPSTREAMS: readonly UpstreamName[] = ['users', 'catalog'];

/** How the gateway answered one request: the `x-gateway-source` header it sets, or `rate-limited`. */
type Outcome = 'ok' | 'cached' | 'default' | 'short-circuited' | 'rate-limited' | 'error';
const OUTCOMES: readonly Outcome[] = [
  'ok',
  'cached',
  'default',
  'short-circuited',
  'rate-limited',
  'error',
];

/** Clients of the gateway, by `x-client-id`, and how many requests each sends per tick of the load. */
const CLIENTS: readonly { readonly id: string; readonly perTick: number }[] = [
  { id: 'web', perTick: 1 },
  { id: 'mobile', perTick: 1 },
  { id: 'batch', perTick: 4 }, // far above its rate limit
];
const TICK_MS = 100;

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** `users`: 30% HTTP 500, 1% HTTP 429 asking for a one-second pause, else the user. */
function usersUpstream(): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const dice = Math.random();
    if (dice < 0.3) res.writeHead(500).end('{"error":"database down"}');
    else if (dice < 0.31) res.writeHead(429, { 'retry-after': '1' }).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(`{"user":"${req.url}"}`);
  });
}

/** `catalog`: 15% of answers take 400 ms, 8% never come, else 10 ms. */
function catalogUpstream(): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const dice = Math.random();
    if (dice < 0.08) return; // hangs: only the gateway's timeout ends it, by closing the connection
    const timer = setTimeout(
      () => res.writeHead(200, { 'content-type': 'application/json' }).end(`{"item":"${req.url}"}`),
      dice < 0.23 ? 400 : 10,
    );
    // The gateway gave up (its timeout closed the connection): stop working on it.
    res.once('close', () => clearTimeout(timer));
  });
}

async function main(): Promise<void> {
  const seconds = Number(argument('--seconds') ?? '60');
  if (!(seconds > 0)) throw new RangeError('--seconds must be a positive number');

  const servers = { users: usersUpstream(), catalog: catalogUpstream() };
  const origins = { users: await listen(servers.users), catalog: await listen(servers.catalog) };
  const upstreamOf = (origin: string): UpstreamName =>
    origin === origins.users ? 'users' : 'catalog';

  const h = new Hystrix({ logger: { info: () => undefined, error: (m) => console.error(m) } });
  const shared = { requestVolumeThreshold: 10, sleepWindow: 2000, rollingWindow: 5000 };
  h.configure({
    [`GET ${origins.users}/users/:id`]: { ...shared, timeout: 300, errorPercentThreshold: 50 },
    [`GET ${origins.catalog}/catalog/:item`]: { ...shared, timeout: 250 },
  });
  // One command per client for its rate limit. A gateway open to any client id would keep one circuit per
  // id: bound the ids (known API keys) before doing this.
  for (const { id } of CLIENTS) {
    h.configureCommand(`client ${id}`, { maxRequestsPerSecond: 15, burst: 15, timeout: 2000 });
  }

  // The fallback: the last good answer for the path, else a default. Its header tells the gateway which.
  const lastGood = new Map<string, string>();
  const fallback = (error: unknown, call: HttpCall): Response => {
    const cached = lastGood.get(call.url.pathname);
    const shed = isCircuitOpen(error) || isRetryAfterError(error);
    const source = shed ? 'short-circuited' : cached === undefined ? 'default' : 'cached';
    const body = cached ?? `{"${upstreamOf(call.url.origin)}":null}`;
    return new Response(body, { status: 200, headers: { 'x-gateway-source': source } });
  };
  const upstreamAgent = new Agent().compose(
    createInterceptor({ hystrix: h, routes: ['/users/:id', '/catalog/:item'], fallback }),
  );

  async function forward(path: string, res: ServerResponse): Promise<void> {
    const upstream: UpstreamName = path.startsWith('/users/') ? 'users' : 'catalog';
    const answer = await request(origins[upstream] + path, { dispatcher: upstreamAgent });
    const body = await answer.body.text();
    const source = answer.headers['x-gateway-source'];
    if (source === undefined && answer.statusCode === 200) lastGood.set(path, body);
    res.writeHead(answer.statusCode, {
      'content-type': 'application/json',
      'x-gateway-source': typeof source === 'string' ? source : 'ok',
      'x-gateway-upstream': upstream,
    });
    res.end(body);
  }

  const gateway = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    const client = String(req.headers['x-client-id'] ?? 'anonymous');
    h.do(`client ${client}`, () => forward(path, res)).catch((error: unknown) => {
      if (res.headersSent) return;
      if (isRateLimited(error)) res.writeHead(429, { 'retry-after': '1' }).end();
      else res.writeHead(502).end();
    });
  });
  const gatewayUrl = await listen(gateway);
  const dashboard = await startStreamServer({ hystrix: h, host: '127.0.0.1', port: 0 });
  console.log(`Gateway:    ${gatewayUrl}/users/<id>, ${gatewayUrl}/catalog/<item>`);
  console.log(`Dashboard:  ${dashboard.url}/`);
  console.log(
    `Upstreams:  users ${origins.users} (fails often), catalog ${origins.catalog} (slow, hangs)`,
  );
  console.log(`Load for ${seconds} s from ${CLIENTS.map((c) => c.id).join(', ')}\n`);

  // The load: each tick, each client asks for a random user or catalog item.
  const counts = new Map(UPSTREAMS.map((u) => [u, new Map(OUTCOMES.map((o) => [o, 0]))]));
  const count = (upstream: UpstreamName, outcome: Outcome): void => {
    const tally = counts.get(upstream)!;
    tally.set(outcome, tally.get(outcome)! + 1);
  };
  const loadAgent: Dispatcher = new Agent();
  const inFlight = new Set<Promise<void>>();
  const send = (client: string): void => {
    const upstream = UPSTREAMS[Math.floor(Math.random() * UPSTREAMS.length)]!;
    const id = 1 + Math.floor(Math.random() * 5);
    const path = upstream === 'users' ? `/users/${id}` : `/catalog/item-${id}`;
    const sent = request(gatewayUrl + path, {
      dispatcher: loadAgent,
      headers: { 'x-client-id': client },
    })
      .then(async (res) => {
        await res.body.dump();
        const source = res.headers['x-gateway-source'];
        if (res.statusCode === 429) count(upstream, 'rate-limited');
        else if (typeof source === 'string' && (OUTCOMES as string[]).includes(source)) {
          count(upstream, source as Outcome);
        } else count(upstream, 'error');
      })
      .catch(() => count(upstream, 'error'))
      .finally(() => inFlight.delete(sent));
    inFlight.add(sent);
  };
  const load = setInterval(() => {
    for (const client of CLIENTS) for (let i = 0; i < client.perTick; i++) send(client.id);
  }, TICK_MS);

  let second = 0;
  const status = setInterval(() => {
    second++;
    const states = UPSTREAMS.map((u) => {
      const name =
        u === 'users' ? `GET ${origins.users}/users/:id` : `GET ${origins.catalog}/catalog/:item`;
      return `${u} ${h.getCircuit(name).circuit.state}`;
    });
    console.log(`${String(second).padStart(4)}s  ${states.join(' | ')}`);
    if (second >= seconds) void stop();
  }, 1000);

  let stopped = false;
  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    clearInterval(load);
    clearInterval(status);
    await Promise.allSettled([...inFlight]);
    printSummary(counts, seconds);
    await h.close(); // ends the calls in flight and closes the dashboard
    await Promise.all([loadAgent.close(), upstreamAgent.close()]);
    await Promise.all([
      closeServer(gateway),
      closeServer(servers.users),
      closeServer(servers.catalog),
    ]);
    console.log('\nStopped.');
  }
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

function printSummary(counts: Map<UpstreamName, Map<Outcome, number>>, seconds: number): void {
  console.log(`\nSummary after ${seconds} s (requests by how the gateway answered):`);
  console.log(`  ${'upstream'.padEnd(9)}${OUTCOMES.map((o) => o.padStart(16)).join('')}`);
  for (const [upstream, tally] of counts) {
    const cells = OUTCOMES.map((o) => String(tally.get(o)).padStart(16)).join('');
    console.log(`  ${upstream.padEnd(9)}${cells}`);
  }
}

await main();
