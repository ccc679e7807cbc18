/**
 * What `createFetch` adds to a request: bare `fetch` against the same `fetch` wrapped by hystrix-ts/fetch (its
 * build), to a local `node:http` server, sequential requests on kept-alive connections, the two taking turns
 * request by request. The overhead is reported in ns a request and as a share of the bare request's time.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as FetchModule from '../src/http/fetch.js';
import { median, nowNs, yieldLoop } from './harness.js';
import { hystrix } from './variants.js';

// The build, loaded by path as the core is: the benchmark measures what users run.
const builtFetch = '../dist/fetch.js';
const { createFetch } = (await import(builtFetch)) as typeof FetchModule;

/** The figures of the HTTP scenario: medians over the rounds. */
export interface HttpFigures {
  /** ns a bare request. */
  readonly bare: number;
  /** ns a request through `createFetch`. */
  readonly wrapped: number;
  /** Requests each round, per variant. */
  readonly requests: number;
  /** ns a call of a stub `fetch` that answers at once, bare. */
  readonly stubBare: number;
  /** ns a call of the same stub through `createFetch`: the difference is the wrapper's own CPU cost. */
  readonly stubWrapped: number;
}

/** A `fetch` that answers at once, without a socket. */
const stubFetch = (async () => new Response('ok')) as unknown as typeof fetch;

async function stubLoop(f: typeof fetch, calls: number): Promise<number> {
  const start = nowNs();
  for (let i = 0; i < calls; i++) {
    const res = await f('http://127.0.0.1:1/');
    await res.text();
    if ((i & 1023) === 1023) await yieldLoop();
  }
  return (nowNs() - start) / calls;
}

/** One timed request, body read: ns. */
async function timed(f: typeof fetch, url: string): Promise<number> {
  const start = nowNs();
  const res = await f(url);
  await res.text();
  return nowNs() - start;
}

/**
 * One round: the two variants take turns request by request (the order flipping each time), so that the
 * machine's drift, which on a shared host is larger than the difference sought, falls on both alike. Returns ns
 * a request of each.
 */
async function round(
  bareFetch: typeof fetch,
  wrapped: typeof fetch,
  url: string,
  requests: number,
): Promise<{ bare: number; wrapped: number }> {
  let bare = 0;
  let guarded = 0;
  for (let i = 0; i < requests; i++) {
    if ((i & 1) === 0) {
      bare += await timed(bareFetch, url);
      guarded += await timed(wrapped, url);
    } else {
      guarded += await timed(wrapped, url);
      bare += await timed(bareFetch, url);
    }
    if ((i & 255) === 255) await yieldLoop();
  }
  return { bare: bare / requests, wrapped: guarded / requests };
}

export async function httpOverhead(rounds: number, requests: number): Promise<HttpFigures> {
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const registry = new hystrix.Hystrix();
  const wrapped = createFetch({ hystrix: registry });
  try {
    // Warm both paths (connections, compiled code) before measuring.
    await round(fetch, wrapped, url, requests);
    const bare: number[] = [];
    const guarded: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const figures = await round(fetch, wrapped, url, requests);
      bare.push(figures.bare);
      guarded.push(figures.wrapped);
    }
    const stubWrappedFetch = createFetch({ hystrix: registry, fetch: stubFetch });
    await stubLoop(stubFetch, requests * 10);
    await stubLoop(stubWrappedFetch, requests * 10);
    const stubBare: number[] = [];
    const stubWrapped: number[] = [];
    for (let i = 0; i < rounds; i++) {
      stubBare.push(await stubLoop(stubFetch, requests * 10));
      stubWrapped.push(await stubLoop(stubWrappedFetch, requests * 10));
    }
    return {
      bare: median(bare),
      wrapped: median(guarded),
      requests,
      stubBare: median(stubBare),
      stubWrapped: median(stubWrapped),
    };
  } finally {
    await registry.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
