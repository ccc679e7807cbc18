/**
 * What protecting a route costs: the same trivial route of Express 5 and of Fastify 5, bare and protected (its
 * limits high enough that nothing is shed), driven by autocannon on loopback in this process. Run by
 * `npm run bench` (not `--quick`): each measure takes seconds.
 */
import type { Server } from 'node:http';
import autocannon from 'autocannon';
import express from 'express';
import Fastify from 'fastify';
import type * as Express from '../src/http/express.js';
import type * as FastifyPlugin from '../src/http/fastify.js';
import type * as Library from '../src/index.js';

// The build, as users run it (see variants.ts).
const builtCore = '../dist/index.js';
const builtExpress = '../dist/express.js';
const builtFastify = '../dist/fastify.js';
const { Hystrix } = (await import(builtCore)) as typeof Library;
const { protect } = (await import(builtExpress)) as typeof Express;
const { hystrixFastify } = (await import(builtFastify)) as typeof FastifyPlugin;

/** A route's settings that shed nothing under the benchmark's load. */
const ROOMY = { maxConcurrentRequests: 10_000, requestVolumeThreshold: 1_000_000_000 };

/** What one measure gave. */
export interface HttpFigures {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
}

/** The figures of each framework, bare and protected. */
export type HttpRow = Map<string, { bare: HttpFigures; protected: HttpFigures }>;

interface App {
  readonly url: string;
  close(): Promise<void>;
}

async function expressApp(guarded: boolean): Promise<App> {
  const app = express();
  const h = new Hystrix();
  const hello = (_req: unknown, res: { send(body: string): void }): void => {
    res.send('hello');
  };
  if (guarded) app.get('/hello', protect({ hystrix: h, ...ROOMY }), hello);
  else app.get('/hello', hello);
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hello`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      await h.close();
    },
  };
}

async function fastifyApp(guarded: boolean): Promise<App> {
  const app = Fastify();
  const h = new Hystrix();
  if (guarded) await app.register(hystrixFastify, { hystrix: h });
  app.get('/hello', { config: { hystrix: ROOMY } }, async () => 'hello');
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: `${base}/hello`,
    close: async () => {
      await app.close();
      await h.close();
    },
  };
}

async function measure(start: () => Promise<App>, seconds: number): Promise<HttpFigures> {
  const app = await start();
  try {
    const result = await autocannon({ url: app.url, connections: 32, duration: seconds });
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`${app.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    }
    return {
      requestsPerSecond: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
    };
  } finally {
    await app.close();
  }
}

/**
 * Each framework, bare then protected, `rounds` times in turn; the round with the median protected/bare ratio of
 * requests a second is kept.
 */
export async function httpOverhead(seconds: number, rounds: number): Promise<HttpRow> {
  const row: HttpRow = new Map();
  for (const [name, start] of [
    ['Express 5', expressApp],
    ['Fastify 5', fastifyApp],
  ] as const) {
    const runs: { bare: HttpFigures; protected: HttpFigures }[] = [];
    for (let round = 0; round < rounds; round++) {
      const bare = await measure(() => start(false), seconds);
      const guarded = await measure(() => start(true), seconds);
      runs.push({ bare, protected: guarded });
    }
    const ratio = (r: { bare: HttpFigures; protected: HttpFigures }): number =>
      r.protected.requestsPerSecond / r.bare.requestsPerSecond;
    runs.sort((a, b) => ratio(a) - ratio(b));
    row.set(name, runs[Math.floor(runs.length / 2)]!);
  }
  return row;
}
