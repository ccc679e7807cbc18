/**
 * StatsD and DogStatsD exports, over real UDP on 127.0.0.1: a hot-shots client sends, a dgram socket listens, and
 * every assertion reads the exact lines that arrived.
 */
import { createSocket, type Socket } from 'node:dgram';
import StatsD, { type StatsD as HotShotsClient } from 'hot-shots';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { BadRequestError, Hystrix, ManualClock } from '../../src/index.js';
import {
  DATADOG_METRICS,
  registerDogStatsd,
  registerStatsd,
  sanitizeName,
  type StatsdClient,
} from '../../src/plugins/statsd.js';
import {
  deferred,
  failOnUnhandled,
  never,
  recordingLogger,
  type RecordingLogger,
} from '../helpers.js';
import { ATTEMPT_COUNTS, attemptTraffic } from '../attempt-traffic.js';

failOnUnhandled();

// A safety net only: every wait ends when the lines it waits for arrive.
const PATIENCE = 10_000;
const SENTINEL = 'zz.sentinel';

/** A UDP server that keeps every datagram and every line, and lets a test wait for them. */
class UdpListener {
  readonly datagrams: string[] = [];
  readonly lines: string[] = [];
  private read = 0;
  private waiter: (() => void) | null = null;

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
  ) {
    socket.on('message', (message) => {
      const text = message.toString('utf8');
      this.datagrams.push(text);
      this.lines.push(...text.split('\n'));
      this.waiter?.();
    });
  }

  static async start(): Promise<UdpListener> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new UdpListener(socket, socket.address().port);
  }

  /**
   * The lines that arrived since the last call, up to the sentinel line `client` sends now (excluded): one
   * client's datagrams arrive in order on the loopback, so everything sent before the sentinel is in.
   */
  async through(client: StatsdClient): Promise<string[]> {
    client.increment(SENTINEL, 1, 1, undefined, () => undefined);
    const end = await this.until((line) => line.startsWith(`${SENTINEL}:`));
    const lines = this.lines.slice(this.read, end);
    this.read = end + 1;
    return lines;
  }

  /** Waits for the first unread line that matches, and returns its index. */
  private until(match: (line: string) => boolean): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const i = this.lines.findIndex((line, index) => index >= this.read && match(line));
        if (i < 0) return;
        clearTimeout(timer);
        this.waiter = null;
        resolve(i);
      };
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(
          new Error(`no sentinel within ${PATIENCE} ms; lines: ${JSON.stringify(this.lines)}`),
        );
      }, PATIENCE);
      this.waiter = check;
      check();
    });
  }

  /** Waits until `n` datagrams have arrived in all. */
  datagramCount(n: number): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`expected ${n} datagrams, got ${JSON.stringify(this.datagrams)}`));
      }, PATIENCE);
      const check = (): void => {
        if (this.datagrams.length < n) return;
        clearTimeout(timer);
        this.waiter = null;
        resolve(this.datagrams);
      };
      this.waiter = check;
      check();
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

let listener: UdpListener;
let clients: HotShotsClient[];

beforeEach(async () => {
  listener = await UdpListener.start();
  clients = [];
});

afterEach(async () => {
  vi.restoreAllMocks();
  for (const client of clients) await new Promise((resolve) => client.close(resolve));
  await listener.close();
});

/** A hot-shots client of the test's own, unbuffered, pointed at the listener. */
function ownClient(): HotShotsClient {
  const client = new StatsD({ host: '127.0.0.1', port: listener.port, maxBufferSize: 0 });
  clients.push(client);
  return client;
}

function setup(): { h: Hystrix; clock: ManualClock; logger: RecordingLogger } {
  const clock = new ManualClock(1_700_000_000_000);
  const logger = recordingLogger();
  return { h: new Hystrix({ clock, logger }), clock, logger };
}

/**
 * Runs one command of each outcome on `name` and returns what each sent, in order: success (7 ms, while another
 * call holds 1 of 4 tickets), failure with a fallback, failure with a failing fallback, timeout, rejection,
 * short-circuit, caller abort, caller deadline. Runs that never settle keep their tickets (the concurrency limit
 * is true), which the later `concurrencyInUse` values show.
 */
async function everyOutcome(
  h: Hystrix,
  clock: ManualClock,
  name: string,
  sent: () => Promise<string[]>,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  h.configureCommand(name, { maxConcurrentRequests: 4 });
  const held = deferred<undefined>();
  const holder = h.go(name, () => held.promise);
  const success = h.do(name, () => clock.sleep(7).then(() => 'ok'));
  clock.advance(7);
  expect(await success).toBe('ok');
  out['success'] = await sent();
  held.resolve(undefined);
  expect(await holder).toBeUndefined();
  await sent();

  h.configureCommand(name, { maxConcurrentRequests: 10, timeout: 1000 });
  const boom = new Error('boom');
  expect(
    await h.do(
      name,
      () => Promise.reject(boom),
      () => 'fallback',
    ),
  ).toBe('fallback');
  out['fallbackSuccess'] = await sent();
  const failed = await h.go(
    name,
    () => Promise.reject(boom),
    () => Promise.reject(new Error('no')),
  );
  expect(failed?.message).toBe("fallback failed with 'no'. run error was 'boom'");
  out['fallbackFailure'] = await sent();

  const slow = h.go(name, () => never());
  clock.advance(1000);
  expect((await slow)?.message).toBe('hystrix: timeout');
  out['timeout'] = await sent();

  // The timed-out run still holds its ticket: with a limit of 1, the next call is rejected.
  h.configureCommand(name, { maxConcurrentRequests: 1 });
  expect((await h.go(name, () => 1))?.message).toBe('hystrix: max concurrency');
  out['rejected'] = await sent();
  h.getCircuit(name).circuit.forceOpen(true);
  expect((await h.go(name, () => 1))?.message).toBe('hystrix: circuit open');
  out['shortCircuit'] = await sent();
  h.getCircuit(name).circuit.forceOpen(false);

  h.configureCommand(name, { maxConcurrentRequests: 10 });
  const caller = new AbortController();
  const cancelled = h.go(name, () => never(), null, { signal: caller.signal });
  caller.abort();
  expect((await cancelled)?.message).toBe('context canceled');
  out['contextCanceled'] = await sent();
  const late = new AbortController();
  const deadline = h.go(name, () => never(), null, { signal: late.signal });
  late.abort(new DOMException('too late', 'TimeoutError'));
  expect((await deadline)?.message).toBe('context deadline exceeded');
  out['contextDeadlineExceeded'] = await sent();
  return out;
}

/**
 * Runs on `name`, returning what each sent: a bad request, a call shed by the rate limit (1 a second, the same
 * instant), then a slow success (20 ms with `slowCallDuration` 10).
 */
async function policyOutcomes(
  h: Hystrix,
  clock: ManualClock,
  name: string,
  sent: () => Promise<string[]>,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  h.configureCommand(name, { maxRequestsPerSecond: 1, slowCallDuration: 10 });
  const notFound = new Error('404');
  const bad = h.do(name, () => Promise.reject(new BadRequestError(notFound)));
  expect(await bad.catch((error: unknown) => error)).toBe(notFound);
  out['badRequest'] = await sent();
  expect((await h.go(name, () => 1))?.message).toBe('hystrix: rate limited');
  out['rateLimited'] = await sent();
  clock.advance(1000);
  const slow = h.do(name, () => clock.sleep(20).then(() => 'ok'));
  clock.advance(20);
  expect(await slow).toBe('ok');
  out['slowCall'] = await sent();
  const stats = h.getCircuit(name).circuit.stats();
  expect([stats.badRequests, stats.rateLimited, stats.slowCalls]).toEqual([1, 1, 1]);
  return out;
}

/** How many of `lines` are `line`. */
function linesOf(lines: readonly string[], line: string): number {
  return lines.filter((l) => l === line).length;
}

describe('registerStatsd', () => {
  test("sends hystrix-go's names, values and types for every outcome; zero counters are not sent", async () => {
    const { h, clock } = setup();
    const exported = registerStatsd({
      hystrix: h,
      host: '127.0.0.1',
      port: listener.port,
      prefix: 'svc',
      clientOptions: { maxBufferSize: 0 },
    });
    const sent = await everyOutcome(h, clock, 'a/b:c.d', () => listener.through(exported.client));
    const m = 'svc.a-b-c-d';
    expect(sent).toEqual({
      success: [
        `${m}.circuitOpen:0|g`,
        `${m}.attempts:1|c`,
        `${m}.successes:1|c`,
        `${m}.totalDuration:7|ms`,
        `${m}.runDuration:7|ms`,
        // Another call still holds 1 of the 4 tickets: 25 %.
        `${m}.concurrencyInUse:25|ms`,
      ],
      fallbackSuccess: [
        `${m}.attempts:1|c`,
        `${m}.errors:1|c`,
        `${m}.failures:1|c`,
        `${m}.fallbackSuccesses:1|c`,
        `${m}.totalDuration:0|ms`,
        `${m}.runDuration:0|ms`,
        `${m}.concurrencyInUse:0|ms`,
      ],
      fallbackFailure: [
        `${m}.attempts:1|c`,
        `${m}.errors:1|c`,
        `${m}.failures:1|c`,
        `${m}.fallbackFailures:1|c`,
        `${m}.totalDuration:0|ms`,
        `${m}.runDuration:0|ms`,
        `${m}.concurrencyInUse:0|ms`,
      ],
      // The run never ran to an outcome: no runDuration (hystrix-go sends 0). It still holds its ticket.
      timeout: [
        `${m}.attempts:1|c`,
        `${m}.errors:1|c`,
        `${m}.timeouts:1|c`,
        `${m}.totalDuration:1000|ms`,
        `${m}.concurrencyInUse:10|ms`,
      ],
      rejected: [
        `${m}.attempts:1|c`,
        `${m}.errors:1|c`,
        `${m}.rejects:1|c`,
        `${m}.totalDuration:0|ms`,
        `${m}.concurrencyInUse:100|ms`,
      ],
      shortCircuit: [
        `${m}.circuitOpen:1|g`,
        `${m}.attempts:1|c`,
        `${m}.errors:1|c`,
        `${m}.shortCircuits:1|c`,
        `${m}.totalDuration:0|ms`,
        `${m}.concurrencyInUse:100|ms`,
      ],
      contextCanceled: [
        `${m}.attempts:1|c`,
        `${m}.contextCanceled:1|c`,
        `${m}.totalDuration:0|ms`,
        `${m}.concurrencyInUse:20|ms`,
      ],
      contextDeadlineExceeded: [
        `${m}.attempts:1|c`,
        `${m}.contextDeadlineExceeded:1|c`,
        `${m}.totalDuration:0|ms`,
        `${m}.concurrencyInUse:30|ms`,
      ],
    });
    await exported.unregister();
  });

  test('retries, hedges and hedge wins: one line per execution that was one, none otherwise', async () => {
    const { h, clock } = setup();
    const exported = registerStatsd({
      hystrix: h,
      host: '127.0.0.1',
      port: listener.port,
      prefix: 'svc',
      clientOptions: { maxBufferSize: 0 },
    });
    await attemptTraffic(h, clock);
    const lines = await listener.through(exported.client);
    for (const [command, counts] of Object.entries(ATTEMPT_COUNTS)) {
      expect(linesOf(lines, `svc.${command}.retries:1|c`)).toBe(counts.retries);
      expect(linesOf(lines, `svc.${command}.hedges:1|c`)).toBe(counts.hedges);
      expect(linesOf(lines, `svc.${command}.hedgeWins:1|c`)).toBe(counts.hedgeWins);
    }
    await exported.unregister();
  });

  test("the policies' counters: badRequests, rateLimited, slowCalls, sent only when not 0", async () => {
    const { h, clock } = setup();
    const exported = registerStatsd({
      hystrix: h,
      host: '127.0.0.1',
      port: listener.port,
      prefix: 'svc',
      clientOptions: { maxBufferSize: 0 },
    });
    const sent = await policyOutcomes(h, clock, 'api', () => listener.through(exported.client));
    const m = 'svc.api';
    expect(sent).toEqual({
      // Not an attempt: it says nothing of the dependency. Its run ended it, so it has a run duration.
      badRequest: [
        `${m}.badRequests:1|c`,
        `${m}.totalDuration:0|ms`,
        `${m}.runDuration:0|ms`,
        `${m}.concurrencyInUse:0|ms`,
      ],
      rateLimited: [
        `${m}.rateLimited:1|c`,
        `${m}.totalDuration:0|ms`,
        `${m}.concurrencyInUse:0|ms`,
      ],
      slowCall: [
        `${m}.circuitOpen:0|g`,
        `${m}.attempts:1|c`,
        `${m}.successes:1|c`,
        `${m}.slowCalls:1|c`,
        `${m}.totalDuration:20|ms`,
        `${m}.runDuration:20|ms`,
        `${m}.concurrencyInUse:0|ms`,
      ],
    });
    await exported.unregister();
  });

  test('sanitizes names as hystrix-go does: / : and . become -', async () => {
    expect(sanitizeName('a/b:c.d')).toBe('a-b-c-d');
    expect(sanitizeName('plain_name-1')).toBe('plain_name-1');
    const { h } = setup();
    const client = ownClient();
    const exported = registerStatsd({ hystrix: h, client });
    await h.do('x.y/z:w', () => 1);
    expect(await listener.through(client)).toContain('x-y-z-w.attempts:1|c');
    await exported.unregister();
  });

  test('a name with whitespace or a line break stays one metric name (the same sanitizeName as Graphite)', async () => {
    const { h } = setup();
    const client = ownClient();
    const exported = registerStatsd({ hystrix: h, client });
    await h.do('two\nlines x', () => 1);
    const lines = await listener.through(client);
    expect(lines).toContain('two_lines_x.attempts:1|c');
    expect(lines.some((line) => line.startsWith('lines'))).toBe(false);
    await exported.unregister();
  });

  test('TestSampleRate: no sample rate (or 0) means 1.0, sent without a rate', async () => {
    const { h } = setup();
    const client = ownClient();
    const exported = registerStatsd({ hystrix: h, client });
    expect(exported.sampleRate).toBe(1);
    await h.do('rate', () => 1);
    const lines = await listener.through(client);
    expect(lines).toContain('rate.attempts:1|c');
    expect(lines.filter((line) => line.includes('|@'))).toEqual([]);
    await exported.unregister();
    const zero = registerStatsd({ hystrix: h, client, sampleRate: 0 });
    expect(zero.sampleRate).toBe(1);
    await zero.unregister();
  });

  test('TestSampleRate: 0.5 is kept and sent as |@0.5 on every metric', async () => {
    const { h } = setup();
    const client = ownClient();
    const exported = registerStatsd({ hystrix: h, client, sampleRate: 0.5 });
    expect(exported.sampleRate).toBe(0.5);
    // hot-shots keeps a metric when Math.random() < rate: keep them all, so that the lines can be compared.
    vi.spyOn(Math, 'random').mockReturnValue(0);
    await h.do('rate', () => 1);
    expect(await listener.through(client)).toEqual([
      'rate.circuitOpen:0|g|@0.5',
      'rate.attempts:1|c|@0.5',
      'rate.successes:1|c|@0.5',
      'rate.totalDuration:0|ms|@0.5',
      'rate.runDuration:0|ms|@0.5',
      'rate.concurrencyInUse:0|ms|@0.5',
    ]);
    await exported.unregister();
  });

  test("a created client buffers like hystrix-go's (1432 bytes), and closing sends what it holds", async () => {
    const { h } = setup();
    const exported = registerStatsd({ hystrix: h, host: '127.0.0.1', port: listener.port });
    await h.do('buffered', () => 1);
    await exported.unregister();
    expect(await listener.datagramCount(1)).toEqual([
      [
        'buffered.circuitOpen:0|g',
        'buffered.attempts:1|c',
        'buffered.successes:1|c',
        'buffered.totalDuration:0|ms',
        'buffered.runDuration:0|ms',
        'buffered.concurrencyInUse:0|ms',
      ].join('\n'),
    ]);
  });

  test('durations are sent in milliseconds to the microsecond', async () => {
    const { h, clock } = setup();
    const client = ownClient();
    const exported = registerStatsd({ hystrix: h, client });
    const call = h.do('fine', () => clock.sleep(1.23456789));
    clock.advance(1.23456789);
    await call;
    const lines = await listener.through(client);
    expect(lines).toContain('fine.totalDuration:1.235|ms');
    expect(lines).toContain('fine.runDuration:1.235|ms');
    await exported.unregister();
  });
});

describe('registerDogStatsd', () => {
  test("sends hystrix-go's Datadog names with the circuit as a tag, counts only when not 0", async () => {
    const { h, clock } = setup();
    const exported = registerDogStatsd({
      hystrix: h,
      host: '127.0.0.1',
      port: listener.port,
      clientOptions: { maxBufferSize: 0 },
    });
    const sent = await everyOutcome(h, clock, 'a/b:c.d', () => listener.through(exported.client));
    const t = '|#hystrixcircuit:a/b:c.d';
    expect(sent).toEqual({
      success: [
        `hystrix.attempts:1|c${t}`,
        `hystrix.circuitOpen:0|g${t}`,
        `hystrix.successes:1|c${t}`,
        `hystrix.totalDuration:7|ms${t}`,
        `hystrix.runDuration:7|ms${t}`,
      ],
      fallbackSuccess: [
        `hystrix.attempts:1|c${t}`,
        `hystrix.errors:1|c${t}`,
        `hystrix.failures:1|c${t}`,
        `hystrix.fallbackSuccesses:1|c${t}`,
        `hystrix.totalDuration:0|ms${t}`,
        `hystrix.runDuration:0|ms${t}`,
      ],
      fallbackFailure: [
        `hystrix.attempts:1|c${t}`,
        `hystrix.errors:1|c${t}`,
        `hystrix.failures:1|c${t}`,
        `hystrix.fallbackFailures:1|c${t}`,
        `hystrix.totalDuration:0|ms${t}`,
        `hystrix.runDuration:0|ms${t}`,
      ],
      timeout: [
        `hystrix.attempts:1|c${t}`,
        `hystrix.errors:1|c${t}`,
        `hystrix.timeouts:1|c${t}`,
        `hystrix.totalDuration:1000|ms${t}`,
      ],
      rejected: [
        `hystrix.attempts:1|c${t}`,
        `hystrix.errors:1|c${t}`,
        `hystrix.rejects:1|c${t}`,
        `hystrix.totalDuration:0|ms${t}`,
      ],
      shortCircuit: [
        `hystrix.attempts:1|c${t}`,
        `hystrix.errors:1|c${t}`,
        `hystrix.circuitOpen:1|g${t}`,
        `hystrix.shortCircuits:1|c${t}`,
        `hystrix.totalDuration:0|ms${t}`,
      ],
      // hystrix-go's Datadog collector has no context metrics: the attempt and its duration only.
      contextCanceled: [`hystrix.attempts:1|c${t}`, `hystrix.totalDuration:0|ms${t}`],
      contextDeadlineExceeded: [`hystrix.attempts:1|c${t}`, `hystrix.totalDuration:0|ms${t}`],
    });
    await exported.unregister();
  });

  test('retries, hedges and hedge wins: hystrix.retries, hystrix.hedges, hystrix.hedgeWins', async () => {
    const { h, clock } = setup();
    const exported = registerDogStatsd({
      hystrix: h,
      host: '127.0.0.1',
      port: listener.port,
      clientOptions: { maxBufferSize: 0 },
    });
    await attemptTraffic(h, clock);
    const lines = await listener.through(exported.client);
    for (const [command, counts] of Object.entries(ATTEMPT_COUNTS)) {
      const t = `|#hystrixcircuit:${command}`;
      expect(linesOf(lines, `${DATADOG_METRICS.retries}:1|c${t}`)).toBe(counts.retries);
      expect(linesOf(lines, `${DATADOG_METRICS.hedges}:1|c${t}`)).toBe(counts.hedges);
      expect(linesOf(lines, `${DATADOG_METRICS.hedgeWins}:1|c${t}`)).toBe(counts.hedgeWins);
    }
    expect([DATADOG_METRICS.retries, DATADOG_METRICS.hedges, DATADOG_METRICS.hedgeWins]).toEqual([
      'hystrix.retries',
      'hystrix.hedges',
      'hystrix.hedgeWins',
    ]);
    await exported.unregister();
  });

  test("the policies' counters: hystrix.badRequests, hystrix.rateLimited, hystrix.slowCalls", async () => {
    const { h, clock } = setup();
    const exported = registerDogStatsd({
      hystrix: h,
      host: '127.0.0.1',
      port: listener.port,
      clientOptions: { maxBufferSize: 0 },
    });
    const sent = await policyOutcomes(h, clock, 'api', () => listener.through(exported.client));
    const t = '|#hystrixcircuit:api';
    expect(sent).toEqual({
      badRequest: [
        `${DATADOG_METRICS.badRequests}:1|c${t}`,
        `hystrix.totalDuration:0|ms${t}`,
        `hystrix.runDuration:0|ms${t}`,
      ],
      rateLimited: [`${DATADOG_METRICS.rateLimited}:1|c${t}`, `hystrix.totalDuration:0|ms${t}`],
      slowCall: [
        `hystrix.attempts:1|c${t}`,
        `hystrix.circuitOpen:0|g${t}`,
        `hystrix.successes:1|c${t}`,
        `${DATADOG_METRICS.slowCalls}:1|c${t}`,
        `hystrix.totalDuration:20|ms${t}`,
        `hystrix.runDuration:20|ms${t}`,
      ],
    });
    expect([
      DATADOG_METRICS.badRequests,
      DATADOG_METRICS.rateLimited,
      DATADOG_METRICS.slowCalls,
    ]).toEqual(['hystrix.badRequests', 'hystrix.rateLimited', 'hystrix.slowCalls']);
    await exported.unregister();
  });

  test('the prefix is a namespace before the fixed names; global tags and the sample rate are sent', async () => {
    const { h } = setup();
    const exported = registerDogStatsd({
      hystrix: h,
      host: '127.0.0.1',
      port: listener.port,
      prefix: 'myapp',
      globalTags: ['env:test'],
      sampleRate: 0.5,
      clientOptions: { maxBufferSize: 0 },
    });
    vi.spyOn(Math, 'random').mockReturnValue(0);
    await h.do('x.y', () => 1);
    const tags = '|@0.5|#env:test,hystrixcircuit:x.y';
    expect(await listener.through(exported.client)).toEqual([
      `myapp.hystrix.attempts:1|c${tags}`,
      `myapp.hystrix.circuitOpen:0|g${tags}`,
      `myapp.hystrix.successes:1|c${tags}`,
      `myapp.hystrix.totalDuration:0|ms${tags}`,
      `myapp.hystrix.runDuration:0|ms${tags}`,
    ]);
    expect(DATADOG_METRICS.circuitOpen).toBe('hystrix.circuitOpen');
    await exported.unregister();
  });
});

describe('errors and ownership', () => {
  test('a client that throws or reports errors never breaks a command; errors are logged, rate-limited', async () => {
    const { h, clock, logger } = setup();
    const failing: StatsdClient = {
      increment: () => {
        throw new Error('socket gone');
      },
      gauge: (_stat, _value, _rate, _tags, callback) => callback(new Error('send failed')),
      timing: () => undefined,
    };
    const exported = registerStatsd({ hystrix: h, client: failing });
    expect(await h.do('e', () => 'value')).toBe('value');
    expect(await h.go('e', () => 'value')).toBeUndefined();
    expect(logger.errors).toEqual([
      // The gauge comes first in hystrix-go's order.
      'hystrix: registerStatsd: error sending metrics: send failed',
    ]);
    clock.advance(10_000);
    expect(await h.do('e', () => 'value')).toBe('value');
    expect(logger.errors).toHaveLength(2);
    expect(logger.errors[1]).toMatch(
      /^hystrix: registerStatsd: error sending metrics: send failed \(and \d+ more errors not logged\)$/,
    );
    await exported.unregister();
  });

  test('a logger that throws does not break a command either', async () => {
    const clock = new ManualClock();
    const h = new Hystrix({
      clock,
      logger: {
        info: () => undefined,
        error: () => {
          throw new Error('logger down');
        },
      },
    });
    const exported = registerDogStatsd({
      hystrix: h,
      client: {
        increment: () => {
          throw new Error('client down');
        },
        gauge: () => undefined,
        timing: () => undefined,
      },
    });
    expect(await h.do('e', () => 'value')).toBe('value');
    await exported.unregister();
  });

  test('unregister and the registry close close a client the export created, once', async () => {
    const { h } = setup();
    const exported = registerStatsd({
      hystrix: h,
      host: '127.0.0.1',
      port: listener.port,
      clientOptions: { maxBufferSize: 0 },
    });
    const close = vi.spyOn(exported.client, 'close');
    await h.do('owned', () => 1);
    expect(h.metricCollectors.list()).toHaveLength(1);
    h.close();
    expect(close).toHaveBeenCalledTimes(1);
    expect(h.metricCollectors.list()).toEqual([]);
    const done = exported.unregister();
    expect(exported.unregister()).toBe(done);
    await done;
    expect(close).toHaveBeenCalledTimes(1);
    h.close();
    expect(close).toHaveBeenCalledTimes(1);
    // The socket is closed: a send now fails.
    const error = await new Promise<Error | null | undefined>((resolve) =>
      exported.client.increment('after', 1, 1, undefined, resolve),
    );
    expect(error?.message).toMatch(/Not running|closed/i);
  });

  test("unregister leaves the user's own client open and stops sending", async () => {
    const { h } = setup();
    const client = ownClient();
    const close = vi.spyOn(client, 'close');
    const exported = registerStatsd({ hystrix: h, client, prefix: 'mine.' });
    expect(exported.client).toBe(client);
    await h.do('kept', () => 1);
    expect(await listener.through(client)).toContain('mine.kept.attempts:1|c');
    await exported.unregister();
    h.close();
    expect(close).not.toHaveBeenCalled();
    await h.do('kept', () => 1);
    // Nothing from the command, and the client still sends.
    expect(await listener.through(client)).toEqual([]);
  });

  test('bad options are refused with a clear TypeError or RangeError, and nothing is registered', () => {
    const { h } = setup();
    const client = ownClient();
    const cases: [unknown, ErrorConstructor, RegExp][] = [
      [null, TypeError, /options must be an object/],
      [{ hystrix: h, colour: 'red' }, TypeError, /unknown option 'colour'/],
      [{ hystrix: {} }, TypeError, /options.hystrix must be a Hystrix/],
      [{ hystrix: h, sampleRate: -0.1 }, RangeError, /sampleRate must be in \(0, 1\]/],
      [{ hystrix: h, sampleRate: 1.5 }, RangeError, /sampleRate must be in \(0, 1\]/],
      [{ hystrix: h, sampleRate: Number.NaN }, RangeError, /sampleRate must be in/],
      [{ hystrix: h, sampleRate: '0.5' }, TypeError, /sampleRate must be a number/],
      [{ hystrix: h, port: 0 }, RangeError, /port must be an integer from 1 to 65535/],
      [{ hystrix: h, port: 65536 }, RangeError, /port must be an integer/],
      [{ hystrix: h, port: 81.5 }, RangeError, /port must be an integer/],
      [{ hystrix: h, port: '8125' }, TypeError, /port must be a number/],
      [{ hystrix: h, host: '' }, TypeError, /host must be a non-empty string/],
      [{ hystrix: h, client: {} }, TypeError, /options.client must be a StatsD client/],
      [{ hystrix: h, client, host: 'x' }, TypeError, /options.host configures a client/],
      [{ hystrix: h, prefix: 'a b' }, RangeError, /prefix must not hold spaces/],
      [{ hystrix: h, prefix: 7 }, TypeError, /prefix must be a string/],
      [{ hystrix: h, globalTags: 'env:x' }, TypeError, /globalTags must be/],
      [{ hystrix: h, clientOptions: { mock: true } }, TypeError, /mock is not supported/],
      [{ hystrix: h, clientOptions: [] }, TypeError, /clientOptions must be an object/],
    ];
    for (const [options, type, text] of cases) {
      for (const register of [registerStatsd, registerDogStatsd]) {
        expect(() => register(options as never), JSON.stringify(options)).toThrow(type);
        expect(() => register(options as never)).toThrow(text);
      }
    }
    expect(h.metricCollectors.list()).toEqual([]);
  });
});

describe('an adaptive limit', () => {
  for (const kind of ['StatsD', 'DogStatsD'] as const) {
    test(`${kind}: the gauge concurrencyLimit, sent when the limit changes; none for a fixed limit`, async () => {
      const { h } = setup();
      const options = {
        hystrix: h,
        host: '127.0.0.1',
        port: listener.port,
        clientOptions: { maxBufferSize: 0 },
      };
      const exported =
        kind === 'StatsD'
          ? registerStatsd({ ...options, prefix: 'svc' })
          : registerDogStatsd(options);
      h.configureCommand('api', {
        adaptiveConcurrency: 'aimd',
        minConcurrentRequests: 2,
        maxConcurrentRequests: 8,
      });
      // Each report tells the limit it ran under: 2, then 3 (the first success, with 1 of 2 in flight, raised
      // it), then 3 again (1 of 3 in flight: not busy enough to raise it), which is not sent again.
      for (let i = 0; i < 3; i++) await h.do('api', () => 1);
      await h.do('fixed', () => 1);
      const gauges = (await listener.through(exported.client)).filter((l) =>
        l.includes('concurrencyLimit'),
      );
      expect(gauges).toEqual(
        kind === 'StatsD'
          ? ['svc.api.concurrencyLimit:2|g', 'svc.api.concurrencyLimit:3|g']
          : [
              `${DATADOG_METRICS.concurrencyLimit}:2|g|#hystrixcircuit:api`,
              `${DATADOG_METRICS.concurrencyLimit}:3|g|#hystrixcircuit:api`,
            ],
      );
      await exported.unregister();
    });
  }
});
