/**
 * A stream serving a fleet's source over real sockets on 127.0.0.1: each tick reads the source once and writes
 * the merged messages instead of the registry's; a source that fails or is slow gives pings and one log line,
 * never overlapping reads, never an unhandled rejection.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { Hystrix, ManualClock } from '../../src/index.js';
import {
  type HostSnapshot,
  HystrixStream,
  type StreamServer,
  type StreamSource,
  startStreamServer,
  streamSnapshot,
} from '../../src/stream/index.js';
import {
  type Deferred,
  deferred,
  failOnUnhandled,
  flushPromises,
  manualHystrix,
} from '../helpers.js';
import { openStream, type SseConnection } from './sse-client.js';

failOnUnhandled();

type Message = Record<string, unknown>;

const open: { server: StreamServer; connections: SseConnection[] }[] = [];
afterEach(async () => {
  for (const { server, connections } of open.splice(0)) {
    for (const c of connections) c.close();
    await server.close();
  }
});

async function serve(source: StreamSource): Promise<{
  h: Hystrix;
  clock: ManualClock;
  logs: string[];
  server: StreamServer;
  connect: (extended?: boolean) => Promise<SseConnection>;
}> {
  const { h, clock, logs } = manualHystrix();
  const server = await startStreamServer({ hystrix: h, source });
  const entry = { server, connections: [] as SseConnection[] };
  open.push(entry);
  return {
    h,
    clock,
    logs,
    server,
    connect: async (extended = false) => {
      const c = await openStream(`${server.url}/hystrix.stream${extended ? '?extended=true' : ''}`);
      entry.connections.push(c);
      return c;
    },
  };
}

const parsed = (c: SseConnection): Message[] => c.data.map((d) => JSON.parse(d) as Message);

/** Two processes of a fleet, each with its own registry and traffic. */
async function fleet(): Promise<{ a: Hystrix; b: Hystrix; snapshots: () => HostSnapshot[] }> {
  const a = manualHystrix().h;
  const b = manualHystrix().h;
  await a.go('pay', () => 'ok');
  await a.go('pay', () => 'ok');
  await b.go('pay', () => 'ok');
  await b.go('ship', () => 'ok');
  return { a, b, snapshots: () => [streamSnapshot(a, 'a:1'), streamSnapshot(b, 'b:2')] };
}

describe('a stream with a source', () => {
  test("each tick writes the fleet's merged messages, not the registry's", async () => {
    const { snapshots } = await fleet();
    let reads = 0;
    const { h, clock, connect } = await serve({
      snapshots: () => {
        reads++;
        return Promise.resolve(snapshots());
      },
    });
    await h.go('local-only', () => 'ok');
    const standard = await connect();
    const extended = await connect(true);
    // Nothing read yet: a ping at once, as for an empty registry.
    await standard.waitForComments(1);
    await extended.waitForComments(1);
    expect(standard.data).toEqual([]);
    expect(extended.data).toEqual([]);

    clock.advance(1000);
    await standard.waitForData(4);
    await extended.waitForData(7);
    expect(reads).toBe(1);
    expect(parsed(standard).map((m) => `${m['type'] as string} ${m['name'] as string}`)).toEqual([
      'HystrixCommand pay',
      'HystrixThreadPool pay',
      'HystrixCommand ship',
      'HystrixThreadPool ship',
    ]);
    const [pay] = parsed(standard);
    expect(pay).toMatchObject({
      reportingHosts: 2,
      requestCount: 3,
      currentTime: Math.trunc(h.now()),
    });
    const x = parsed(extended);
    expect(x[0]).toEqual({ type: 'HystrixTsFrame', circuits: 2, currentTime: Math.trunc(h.now()) });
    expect(x.map((m) => m['type'])).toEqual([
      'HystrixTsFrame',
      'HystrixCommand',
      'HystrixThreadPool',
      'HystrixTsCircuit',
      'HystrixCommand',
      'HystrixThreadPool',
      'HystrixTsCircuit',
    ]);
    expect(x[3]).toMatchObject({ name: 'pay', reportingHosts: 2, requests: 3 });
    expect((x[3]!['hosts'] as Message[]).map((r) => r['host'])).toEqual(['a:1', 'b:2']);

    // One read per tick.
    clock.advance(1000);
    await standard.waitForData(8);
    expect(reads).toBe(2);

    // A client that connects between two ticks gets the last merged frame at once.
    const late = await connect(true);
    await late.waitForData(7);
    expect(parsed(late)[3]).toMatchObject({
      type: 'HystrixTsCircuit',
      name: 'pay',
      reportingHosts: 2,
    });
    expect(reads).toBe(2);
  });

  test('a source may answer synchronously, and an empty fleet is a ping', async () => {
    let snapshots: HostSnapshot[] = [];
    const { clock, connect } = await serve({ snapshots: () => snapshots });
    const c = await connect(true);
    await c.waitForComments(1);
    clock.advance(1000);
    await c.waitForData(1);
    await c.waitForComments(2);
    expect(parsed(c)).toEqual([expect.objectContaining({ type: 'HystrixTsFrame', circuits: 0 })]);
    snapshots = (await fleet()).snapshots();
    clock.advance(1000);
    await c.waitForData(8);
    expect(parsed(c)[5]).toMatchObject({ type: 'HystrixCommand', name: 'ship', reportingHosts: 1 });
  });

  test('a slow source: pings, one log line, never two reads at once, a late answer dropped', async () => {
    const { snapshots } = await fleet();
    const reads: Deferred<readonly HostSnapshot[]>[] = [];
    const { clock, logs, connect } = await serve({
      snapshots: () => {
        const d = deferred<readonly HostSnapshot[]>();
        reads.push(d);
        return d.promise;
      },
    });
    const c = await connect();
    await c.waitForComments(1);
    clock.advance(1000);
    await flushPromises();
    expect(reads).toHaveLength(1);
    // The next tick finds the read still running: a ping, a log line, no second read.
    clock.advance(1000);
    await c.waitForComments(2);
    await flushPromises();
    expect(reads).toHaveLength(1);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/did not answer within the 1000 ms interval/);
    clock.advance(1000);
    await c.waitForComments(3);
    expect(reads).toHaveLength(1);
    expect(logs).toHaveLength(1);
    // Its answer comes too late for its tick: dropped.
    reads[0]!.resolve(snapshots());
    await flushPromises();
    expect(c.data).toEqual([]);
    // The next tick reads again, and an answer in time is written.
    clock.advance(1000);
    await flushPromises();
    expect(reads).toHaveLength(2);
    reads[1]!.resolve(snapshots());
    await c.waitForData(4);
    expect(parsed(c)[0]).toMatchObject({ name: 'pay', reportingHosts: 2 });
    expect(logs).toHaveLength(1);
    // Slow again after a success: logged again, once.
    clock.advance(1000);
    clock.advance(1000);
    clock.advance(1000);
    await c.waitForComments(5);
    expect(reads).toHaveLength(3);
    expect(logs).toHaveLength(2);
    reads[2]!.reject(new Error('late and failed'));
    await flushPromises();
    expect(logs).toHaveLength(2);
  });

  test('a failing source: a ping per tick, logged once until it answers again, nothing unhandled', async () => {
    const { snapshots } = await fleet();
    const behaviours: (() => readonly HostSnapshot[] | PromiseLike<readonly HostSnapshot[]>)[] = [
      () => Promise.reject(new Error('redis down')),
      () => {
        throw new Error('sync throw');
      },
      () => ({
        then() {
          throw new Error('hostile thenable');
        },
      }),
      () => 'not an array' as unknown as HostSnapshot[],
      () => snapshots(),
      () => Promise.reject(new TypeError('down again')),
    ];
    let reads = 0;
    const { clock, logs, connect } = await serve({ snapshots: () => behaviours[reads++]!() });
    const c = await connect();
    await c.waitForComments(1);
    for (let tick = 1; tick <= 3; tick++) {
      clock.advance(1000);
      await c.waitForComments(1 + tick);
      await flushPromises();
      expect(reads).toBe(tick);
    }
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(
      /^hystrix: the stream's source failed \(.*redis down.*\); pinging until it answers$/,
    );
    // Not an array: an empty fleet (a ping), not a failure; then a good answer.
    clock.advance(1000);
    await c.waitForComments(5);
    clock.advance(1000);
    await c.waitForData(4);
    expect(logs).toHaveLength(1);
    clock.advance(1000);
    await c.waitForComments(6);
    await flushPromises();
    expect(logs).toHaveLength(2);
    expect(logs[1]).toMatch(/down again/);
  });

  test('stop() while a read runs: its answer writes nothing', async () => {
    const d = deferred<readonly HostSnapshot[]>();
    const { clock, server, connect } = await serve({ snapshots: () => d.promise });
    const c = await connect();
    await c.waitForComments(1);
    clock.advance(1000);
    await flushPromises();
    server.stream.stop();
    await c.ended;
    d.resolve((await fleet()).snapshots());
    await flushPromises();
    expect(c.data).toEqual([]);
  });

  test('the source option is checked', () => {
    const { h } = manualHystrix();
    expect(() => new HystrixStream({ hystrix: h, source: 42 as unknown as StreamSource })).toThrow(
      /^source must be an object with a snapshots\(\) method, got 42$/,
    );
    expect(
      () => new HystrixStream({ hystrix: h, source: { snapshots: 1 } as unknown as StreamSource }),
    ).toThrow(/source\.snapshots must be a function/);
  });
});
