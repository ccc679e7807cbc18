/**
 * Protected routes under load, on loopback: autocannon drives a route whose limit is 2 for a couple of seconds.
 * No handler runs beyond the limit, every request beyond it is answered 503 with Retry-After, nothing is left
 * listening or connected afterwards, and a process that did the same exits by itself. Latencies are printed, not
 * asserted.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, test } from 'vitest';
import { Hystrix } from '../../src/index.js';
import { LIMIT, load, type RunningApp, startExpress, startFastify } from '../fixtures/http-load.js';
import { failOnUnhandled, until } from '../helpers.js';

failOnUnhandled();

const run = promisify(execFile);
const CONNECTIONS = 16;
const ROOT = join(import.meta.dirname, '..', '..');

/** Sockets and servers open now (what a leak would leave behind). */
function openSockets(): number {
  return process
    .getActiveResourcesInfo()
    .filter((kind) => kind === 'TCPSocketWrap' || kind === 'TCPServerWrap').length;
}

let h: Hystrix | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe.each([
  ['express', startExpress],
  ['fastify', startFastify],
] as const)('%s under load', (framework, start) => {
  test(`no handler beyond the limit of ${LIMIT}; the rest answered 503 with Retry-After; nothing leaks`, async () => {
    const before = openSockets();
    h = new Hystrix();
    const app: RunningApp = await start(h);
    const figures = await load(app.url, 2, CONNECTIONS);
    await app.close();
    const circuit = h.getCircuit('GET /work').circuit;
    // The calls autocannon hung up on at its end are over once their responses close.
    await until(() => circuit.stats().activeCount === 0 && app.probe.running === 0);
    const stats = circuit.stats();

    const { shed, handled } = figures.latency;
    const own = figures.probe.shedLatency;
    process.stdout.write(
      `${framework}, limit ${LIMIT}: ${JSON.stringify(figures.statuses)} in 2 s; latency in ms: ` +
        `shed p50 ${shed.p50} p99 ${shed.p99} max ${shed.max}; handled p50 ${handled.p50} p99 ` +
        `${handled.p99}; our client's ${own.count} shed: p50 ${own.p50.toFixed(2)} ` +
        `p99 ${own.p99.toFixed(2)}\n`,
    );
    expect(app.probe.mostAtOnce).toBeLessThanOrEqual(LIMIT);
    expect(stats.maxActiveRequests).toBeLessThanOrEqual(LIMIT);
    expect(Object.keys(figures.statuses).sort()).toEqual(['200', '503']);
    // Every handler entry ended as a success, or as context_canceled when autocannon hung up on it at its end.
    expect(figures.statuses['200']).toBeLessThanOrEqual(app.probe.entered);
    expect(stats.successes + stats.contextCanceled).toBe(app.probe.entered);
    expect(stats.contextCanceled).toBeLessThanOrEqual(LIMIT);
    // Shed by the full pool: Retry-After 1.
    expect(figures.probe.retryAfter.length).toBeGreaterThan(0);
    expect(new Set(figures.probe.retryAfter)).toEqual(new Set(['1']));
    expect(stats.shortCircuits).toBe(0);
    // Every request the registry shed was answered 503, but for those autocannon still had in flight (one per
    // connection at most) when it stopped.
    const shedByRegistry = stats.rejects + stats.shortCircuits;
    const shedSeen = figures.statuses['503']! + figures.probe.retryAfter.length;
    expect(shedByRegistry).toBeGreaterThanOrEqual(shedSeen);
    expect(shedByRegistry).toBeLessThanOrEqual(shedSeen + CONNECTIONS);
    expect([figures.errors, figures.timeouts]).toEqual([0, 0]);
    // The limit was reached (the load is well beyond it): the 503s are the limit's, not an accident.
    expect(app.probe.mostAtOnce).toBe(LIMIT);
    await until(() => openSockets() <= before);
    expect(openSockets()).toBeLessThanOrEqual(before);
  }, 30_000);
});

test('a process that served both frameworks under load, then closed the apps and the registry, exits by itself', async () => {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', join('test', 'fixtures', 'http-load-child.ts')],
    { cwd: ROOT, timeout: 30_000 },
  );
  const out = JSON.parse(stdout.trim()) as Record<
    string,
    { statuses: Record<string, number>; mostAtOnce: number }
  >;
  for (const framework of ['express', 'fastify']) {
    expect(out[framework]!.mostAtOnce).toBeLessThanOrEqual(LIMIT);
    expect(out[framework]!.statuses['200']).toBeGreaterThan(0);
    expect(out[framework]!.statuses['503']).toBeGreaterThan(0);
  }
}, 40_000);
