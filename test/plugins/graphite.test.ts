/**
 * Graphite export, over real TCP on 127.0.0.1: a `node:net` server reads the plaintext lines, the registry's
 * ManualClock drives the writes, and every assertion reads the exact lines that arrived.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { afterEach, describe, expect, test } from 'vitest';
import { BadRequestError, Hystrix, type Logger, ManualClock } from '../../src/index.js';
import {
  type GraphiteExport,
  type GraphiteOptions,
  registerGraphite,
  sanitizeName,
  TIMER_SAMPLE_SIZE,
} from '../../src/plugins/graphite.js';
import { failOnUnhandled, until } from '../helpers.js';
import { ATTEMPT_COUNTS, attemptTraffic } from '../attempt-traffic.js';

failOnUnhandled();

// A safety net only: every wait ends when what it waits for happens.
const PATIENCE = 10_000;
const START = 1_700_000_000_000;
const INTERVAL = 10_000;

/** Resolves when `check` holds, re-checked on every `poke`; rejects after {@link PATIENCE}. */
class Waiters {
  private readonly waiting = new Set<() => void>();

  until<T>(what: string, check: () => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = (): void => {
        const value = check();
        if (value === undefined) return;
        clearTimeout(timer);
        this.waiting.delete(attempt);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.waiting.delete(attempt);
        reject(new Error(`timed out waiting for ${what}`));
      }, PATIENCE);
      this.waiting.add(attempt);
      attempt();
    });
  }

  poke(): void {
    for (const attempt of [...this.waiting]) attempt();
  }
}

/** A Graphite stand-in: accepts connections, keeps every line, lets a test wait for lines and closes. */
class LineServer {
  readonly lines: string[] = [];
  readonly sockets = new Set<Socket>();
  connections = 0;
  ended = 0;
  private read = 0;
  private readonly waiters = new Waiters();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    server.on('connection', (socket) => {
      this.connections++;
      this.sockets.add(socket);
      let rest = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop()!;
        this.lines.push(...parts);
        this.waiters.poke();
      });
      socket.on('end', () => {
        this.ended++;
        this.waiters.poke();
      });
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(port = 0): Promise<LineServer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return new LineServer(server, (server.address() as { port: number }).port);
  }

  /** The next `n` unread lines, once they have all arrived. */
  async next(n: number): Promise<string[]> {
    await this.waiters.until(`${n} lines (have ${this.lines.length - this.read})`, () =>
      this.lines.length - this.read >= n ? true : undefined,
    );
    const lines = this.lines.slice(this.read, this.read + n);
    this.read += n;
    return lines;
  }

  /** Unread lines so far. */
  unread(): string[] {
    return this.lines.slice(this.read);
  }

  /** Waits until `n` connections have ended from the client's side. */
  endedCount(n: number): Promise<true> {
    return this.waiters.until(`${n} ended connections`, () => (this.ended >= n ? true : undefined));
  }

  /** Stops listening and drops every connection, as a server that goes away. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A logger whose lines a test can wait for. */
class WaitingLogger implements Logger {
  readonly infos: string[] = [];
  readonly errors: string[] = [];
  private readonly waiters = new Waiters();

  info(message: string): void {
    this.infos.push(message);
    this.waiters.poke();
  }

  error(message: string): void {
    this.errors.push(message);
    this.waiters.poke();
  }

  /** Waits for the first info line that matches. */
  infoMatching(pattern: RegExp): Promise<string> {
    return this.waiters.until(`info log ${String(pattern)}`, () =>
      this.infos.find((line) => pattern.test(line)),
    );
  }

  /** Waits for the `n`th error line (counting from 1) that matches. */
  errorMatching(pattern: RegExp, n = 1): Promise<string> {
    return this.waiters.until(`error log ${String(pattern)} #${n}`, () => {
      const found = this.errors.filter((line) => pattern.test(line));
      return found.length >= n ? found[n - 1] : undefined;
    });
  }
}

const servers: LineServer[] = [];
const exports: GraphiteExport[] = [];

afterEach(async () => {
  for (const exported of exports.splice(0)) await exported.unregister();
  for (const server of servers.splice(0)) await server.close();
});

async function serve(port?: number): Promise<LineServer> {
  const server = await LineServer.start(port);
  servers.push(server);
  return server;
}

function setup(): { h: Hystrix; clock: ManualClock; logger: WaitingLogger } {
  const clock = new ManualClock(START);
  const logger = new WaitingLogger();
  return { h: new Hystrix({ clock, logger }), clock, logger };
}

function graphite(options: GraphiteOptions): GraphiteExport {
  const exported = registerGraphite(options);
  exports.push(exported);
  return exported;
}

/** The lines go-metrics writes for a timer with durations in the interval. */
function timerLines(path: string, ts: number, count: number, stats: string[]): string[] {
  const names = ['min', 'max', 'mean', 'std-dev', '50-percentile', '75-percentile'];
  const more = ['95-percentile', '99-percentile', '999-percentile'];
  return [
    `${path}.count ${count} ${ts}`,
    ...[...names, ...more].map((name, i) => `${path}.${name} ${stats[i]!} ${ts}`),
  ];
}

/** Runs a command that takes `ms` on the manual clock. */
async function call(h: Hystrix, clock: ManualClock, name: string, ms: number): Promise<void> {
  const done = h.do(name, () => clock.sleep(ms));
  clock.advance(ms);
  await done;
}

describe('registerGraphite', () => {
  test("writes hystrix-go's paths with go-metrics' suffixes every interval, timestamped by the clock", async () => {
    const server = await serve();
    const { h, clock } = setup();
    graphite({ hystrix: h, host: '127.0.0.1', port: server.port, prefix: 'svc' });
    for (const ms of [10, 20, 30]) await call(h, clock, 'a/b:c.d', ms);
    expect(
      await h.do(
        'a/b:c.d',
        () => Promise.reject(new Error('x')),
        () => 'fb',
      ),
    ).toBe('fb');
    clock.advance(INTERVAL - 60);
    const ts = 1_700_000_010;
    const p = 'svc.a-b-c-d';
    // Durations 10, 20, 30 and 0 (the failure): go-metrics' mean, population std-dev and p * (n + 1) percentiles.
    const stats = ['0.00', '30.00', '15.00', '11.18', '15.00', '27.50', '30.00', '30.00', '30.00'];
    const first = [
      `${p}.attempts.count 4 ${ts}`,
      `${p}.successes.count 3 ${ts}`,
      ...timerLines(`${p}.totalDuration`, ts, 4, stats),
      ...timerLines(`${p}.runDuration`, ts, 4, stats),
      `${p}.errors.count 1 ${ts}`,
      `${p}.failures.count 1 ${ts}`,
      `${p}.fallbackSuccesses.count 1 ${ts}`,
    ];
    expect(await server.next(first.length)).toEqual(first);

    // An interval without calls: totals only, since there is no distribution to describe.
    clock.advance(INTERVAL);
    const ts2 = ts + 10;
    const second = [
      `${p}.attempts.count 4 ${ts2}`,
      `${p}.successes.count 3 ${ts2}`,
      `${p}.totalDuration.count 4 ${ts2}`,
      `${p}.runDuration.count 4 ${ts2}`,
      `${p}.errors.count 1 ${ts2}`,
      `${p}.failures.count 1 ${ts2}`,
      `${p}.fallbackSuccesses.count 1 ${ts2}`,
    ];
    expect(await server.next(second.length)).toEqual(second);

    // The next interval's distribution covers that interval only; counts keep adding up.
    await call(h, clock, 'a/b:c.d', 5);
    clock.advance(INTERVAL - 5);
    const ts3 = ts2 + 10;
    const one = ['5.00', '5.00', '5.00', '0.00', '5.00', '5.00', '5.00', '5.00', '5.00'];
    const third = [
      `${p}.attempts.count 5 ${ts3}`,
      `${p}.successes.count 4 ${ts3}`,
      ...timerLines(`${p}.totalDuration`, ts3, 5, one),
      ...timerLines(`${p}.runDuration`, ts3, 5, one),
      `${p}.errors.count 1 ${ts3}`,
      `${p}.failures.count 1 ${ts3}`,
      `${p}.fallbackSuccesses.count 1 ${ts3}`,
    ];
    expect(await server.next(third.length)).toEqual(third);
    expect(server.connections).toBe(1);
  });

  test('calls that never ran have no run duration; timeouts, rejections and short-circuits are counted', async () => {
    const server = await serve();
    const { h, clock } = setup();
    graphite({ hystrix: h, host: '127.0.0.1', port: server.port, interval: 1000 });
    h.configureCommand('x', { timeout: 100, maxConcurrentRequests: 1 });
    const slow = h.go('x', () => new Promise(() => undefined));
    expect((await h.go('x', () => 1))?.message).toBe('hystrix: max concurrency');
    clock.advance(100);
    expect((await slow)?.message).toBe('hystrix: timeout');
    h.getCircuit('x').circuit.forceOpen(true);
    expect((await h.go('x', () => 1))?.message).toBe('hystrix: circuit open');
    clock.advance(900);
    const ts = 1_700_000_001;
    const stats = [
      '0.00',
      '100.00',
      '33.33',
      '47.14',
      '0.00',
      '100.00',
      '100.00',
      '100.00',
      '100.00',
    ];
    const lines = [
      `x.attempts.count 3 ${ts}`,
      `x.errors.count 3 ${ts}`,
      `x.rejects.count 1 ${ts}`,
      ...timerLines('x.totalDuration', ts, 3, stats),
      `x.timeouts.count 1 ${ts}`,
      `x.shortCircuits.count 1 ${ts}`,
    ];
    expect(await server.next(lines.length)).toEqual(lines);
  });

  test("the policies' counters: badRequests, rateLimited and slowCalls, from their first increment", async () => {
    const server = await serve();
    const { h, clock } = setup();
    graphite({ hystrix: h, host: '127.0.0.1', port: server.port });
    h.configureCommand('api', { maxRequestsPerSecond: 1, slowCallDuration: 10 });
    const notFound = new Error('404');
    const bad = h.do('api', () => Promise.reject(new BadRequestError(notFound)));
    expect(await bad.catch((error: unknown) => error)).toBe(notFound);
    // The same instant: the one token went to the bad request.
    expect((await h.go('api', () => 1))?.message).toBe('hystrix: rate limited');
    clock.advance(1000);
    await call(h, clock, 'api', 20);
    const stats = h.getCircuit('api').circuit.stats();
    expect([stats.badRequests, stats.rateLimited, stats.slowCalls]).toEqual([1, 1, 1]);
    clock.advance(INTERVAL - 1020);
    const ts = 1_700_000_010;
    const lines = [
      // Not an attempt (it says nothing of the dependency); its run ended it: a run duration of 0.
      `api.badRequests.count 1 ${ts}`,
      // 0 (the bad request), 0 (shed), 20 (the slow call).
      ...timerLines('api.totalDuration', ts, 3, [
        '0.00',
        '20.00',
        '6.67',
        '9.43',
        '0.00',
        '20.00',
        '20.00',
        '20.00',
        '20.00',
      ]),
      ...timerLines('api.runDuration', ts, 2, [
        '0.00',
        '20.00',
        '10.00',
        '10.00',
        '10.00',
        '20.00',
        '20.00',
        '20.00',
        '20.00',
      ]),
      `api.rateLimited.count 1 ${ts}`,
      `api.attempts.count 1 ${ts}`,
      `api.successes.count 1 ${ts}`,
      `api.slowCalls.count 1 ${ts}`,
    ];
    expect(await server.next(lines.length)).toEqual(lines);
  });

  test('retries, hedges and hedge wins: their counters, from their first increment', async () => {
    const server = await serve();
    const { h, clock } = setup();
    graphite({ hystrix: h, host: '127.0.0.1', port: server.port });
    await attemptTraffic(h, clock);
    clock.advance(INTERVAL);
    const ts = 1_700_000_010;
    const expected = [
      `retried.retries.count ${ATTEMPT_COUNTS.retried.retries} ${ts}`,
      `hedged.hedges.count ${ATTEMPT_COUNTS.hedged.hedges} ${ts}`,
      `hedged.hedgeWins.count ${ATTEMPT_COUNTS.hedged.hedgeWins} ${ts}`,
    ];
    await until(() => expected.every((line) => server.lines.includes(line)));
    // A counter that never moved is never written.
    expect(server.lines.filter((l) => /^retried\.hedge|^hedged\.retries/.test(l))).toEqual([]);
  });

  test('sanitizes names: / : and . become - (hystrix-go), whitespace and control characters _', async () => {
    expect(sanitizeName('a/b:c.d')).toBe('a-b-c-d');
    expect(sanitizeName('with space\tand\nline')).toBe('with_space_and_line');
    const server = await serve();
    const { h, clock } = setup();
    graphite({ hystrix: h, host: '127.0.0.1', port: server.port, prefix: 'app.', interval: 1000 });
    h.getCircuit('x.y').circuit.forceOpen(true);
    h.getCircuit('x/y').circuit.forceOpen(true);
    h.getCircuit('two words').circuit.forceOpen(true);
    await h.go('x.y', () => 1);
    await h.go('x/y', () => 1);
    await h.go('two words', () => 1);
    clock.advance(1000);
    const ts = 1_700_000_001;
    const zero = ['0.00', '0.00', '0.00', '0.00', '0.00', '0.00', '0.00', '0.00', '0.00'];
    // As in go-metrics' registry, names that sanitize alike share their metrics.
    const lines = [
      `app.x-y.attempts.count 2 ${ts}`,
      `app.x-y.errors.count 2 ${ts}`,
      `app.x-y.shortCircuits.count 2 ${ts}`,
      ...timerLines('app.x-y.totalDuration', ts, 2, zero),
      `app.two_words.attempts.count 1 ${ts}`,
      `app.two_words.errors.count 1 ${ts}`,
      `app.two_words.shortCircuits.count 1 ${ts}`,
      ...timerLines('app.two_words.totalDuration', ts, 1, zero),
    ];
    expect(await server.next(lines.length)).toEqual(lines);
  });

  test('percentiles come from a bounded sample; count, min, max and mean stay exact', async () => {
    const server = await serve();
    const { h, clock } = setup();
    graphite({ hystrix: h, host: '127.0.0.1', port: server.port, interval: 60_000 });
    const n = TIMER_SAMPLE_SIZE * 3;
    for (let i = 1; i <= n; i++) await call(h, clock, 'many', i % 2 === 0 ? 2 : 4);
    clock.advance(60_000 - 3 * n);
    const lines = await server.next(2 + 20);
    const value = (suffix: string): number =>
      Number(lines.find((line) => line.startsWith(`many.totalDuration.${suffix} `))!.split(' ')[1]);
    expect(value('count')).toBe(n);
    expect([value('min'), value('max'), value('mean'), value('std-dev')]).toEqual([2, 4, 3, 1]);
    // Half the durations are 4: the 99th percentile of any fair sample of them is 4.
    expect(value('99-percentile')).toBe(4);
  });

  test('the flush timer runs on the registry clock and never keeps the process alive', async () => {
    const server = await serve();
    const { h, clock } = setup();
    const exported = graphite({ hystrix: h, host: '127.0.0.1', port: server.port });
    expect(clock.pendingTimers()).toBe(1);
    expect(clock.refedTimers()).toBe(0);
    await h.do('t', () => 1);
    clock.advance(INTERVAL - 1);
    expect(server.unread()).toEqual([]);
    clock.advance(1);
    expect(await server.next(2)).toEqual([
      `t.attempts.count 1 1700000010`,
      `t.successes.count 1 1700000010`,
    ]);
    expect(clock.pendingTimers()).toBe(1);
    await exported.unregister();
    expect(clock.pendingTimers()).toBe(0);
  });

  test('reconnects when the server comes back, keeping a bounded buffer of the newest lines', async () => {
    const first = await serve();
    const port = first.port;
    const { h, clock, logger } = setup();
    graphite({
      hystrix: h,
      host: '127.0.0.1',
      port,
      interval: 1000,
      maxBufferedLines: 10,
    });
    h.getCircuit('r').circuit.forceOpen(true);
    await h.go('r', () => 1);
    await logger.infoMatching(/graphite: connected to 127\.0\.0\.1:\d+/);
    clock.advance(1000);
    // 13 lines: more than the bound, which holds only lines that cannot be written.
    expect(await first.next(13)).toHaveLength(13);

    await first.close();
    await logger.errorMatching(/graphite: connection to 127\.0\.0\.1:\d+ lost/);
    // Calls go on while the server is away; the write that falls due tries to reconnect, in vain.
    expect((await h.go('r', () => 1))?.message).toBe('hystrix: circuit open');
    clock.advance(1000);
    await logger.errorMatching(/graphite: cannot connect to 127\.0\.0\.1:\d+/);
    expect(logger.errors).toContainEqual(expect.stringMatching(/piling up.*keeping the newest 10/));
    // The back-off doubled after the failed attempt: this write does not try, and only buffers.
    expect((await h.go('r', () => 1))?.message).toBe('hystrix: circuit open');
    clock.advance(1000);

    const second = await serve(port);
    expect((await h.go('r', () => 1))?.message).toBe('hystrix: circuit open');
    clock.advance(1000);
    const ts = 1_700_000_004;
    const zero = ['0.00', '0.00', '0.00', '0.00', '0.00', '0.00', '0.00', '0.00', '0.00'];
    const newest = [
      `r.attempts.count 4 ${ts}`,
      `r.errors.count 4 ${ts}`,
      `r.shortCircuits.count 4 ${ts}`,
      ...timerLines('r.totalDuration', ts, 4, zero),
    ].slice(-10);
    expect(await second.next(10)).toEqual(newest);
    await logger.errorMatching(/graphite: \d+ lines for 127\.0\.0\.1:\d+ were dropped/);
    expect(logger.errors.filter((line) => line.includes('cannot connect'))).toHaveLength(1);
    // Back to normal: the next write arrives whole.
    clock.advance(1000);
    expect(await second.next(4)).toEqual([
      `r.attempts.count 4 ${ts + 1}`,
      `r.errors.count 4 ${ts + 1}`,
      `r.shortCircuits.count 4 ${ts + 1}`,
      `r.totalDuration.count 4 ${ts + 1}`,
    ]);
    expect(second.connections).toBe(1);
  });

  test('a server that is not there never breaks a command', async () => {
    const gone = await LineServer.start();
    await gone.close();
    const { h, clock, logger } = setup();
    graphite({ hystrix: h, host: '127.0.0.1', port: gone.port, interval: 1000 });
    await logger.errorMatching(/graphite: cannot connect to 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    for (let i = 0; i < 3; i++) {
      expect(await h.do('down', () => 'value')).toBe('value');
      clock.advance(1000);
    }
  });

  test('close writes one last time, ends the connection and stops the timer', async () => {
    const server = await serve();
    const { h, clock, logger } = setup();
    const exported = graphite({ hystrix: h, host: '127.0.0.1', port: server.port });
    await logger.infoMatching(/graphite: connected to/);
    await h.do('c', () => 1);
    clock.advance(3000);
    h.close();
    expect(clock.pendingTimers()).toBe(0);
    expect(h.metricCollectors.list()).toEqual([]);
    expect(await server.next(2)).toEqual([
      'c.attempts.count 1 1700000003',
      'c.successes.count 1 1700000003',
    ]);
    await server.endedCount(1);
    await exported.unregister();
    expect(server.unread()).toHaveLength(20);
    clock.advance(INTERVAL);
    expect(clock.pendingTimers()).toBe(0);
  });

  test('a process that closes its registry exits by itself after the last write', async () => {
    const server = await serve();
    const child = `
      const { Hystrix } = await import('./src/index.ts');
      const { registerGraphite } = await import('./src/plugins/graphite.ts');
      const h = new Hystrix();
      registerGraphite({ hystrix: h, host: '127.0.0.1', port: ${server.port}, interval: 3600000 });
      await h.do('child', async () => 1);
      h.close();
    `;
    // The timeout is the safety net: a handle left open would keep the child alive until it kills it.
    await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', child],
      { cwd: process.cwd(), timeout: 20_000 },
    );
    const lines = await server.next(2);
    expect(lines.map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual([
      'child.attempts.count 1',
      'child.successes.count 1',
    ]);
    await server.endedCount(1);
  });

  test('bad options are refused with a clear TypeError or RangeError, and nothing is registered', () => {
    const { h, clock } = setup();
    const cases: [unknown, ErrorConstructor, RegExp][] = [
      [null, TypeError, /options must be an object/],
      [{ hystrix: h, colour: 'red' }, TypeError, /unknown option 'colour'/],
      [{ hystrix: {} }, TypeError, /options.hystrix must be a Hystrix/],
      [{ hystrix: h, host: 3 }, TypeError, /host must be a non-empty string/],
      [{ hystrix: h, port: 0 }, RangeError, /port must be an integer from 1 to 65535/],
      [{ hystrix: h, port: '2003' }, TypeError, /port must be a number/],
      [{ hystrix: h, interval: 0 }, RangeError, /interval must be from 1/],
      [{ hystrix: h, interval: Number.POSITIVE_INFINITY }, RangeError, /interval must be from 1/],
      [{ hystrix: h, interval: '10s' }, TypeError, /interval must be a number/],
      [{ hystrix: h, maxBufferedLines: 0 }, RangeError, /maxBufferedLines must be a positive/],
      [{ hystrix: h, maxBufferedLines: 2.5 }, RangeError, /maxBufferedLines must be a positive/],
      [{ hystrix: h, prefix: 'a b' }, RangeError, /prefix must not hold spaces/],
      [{ hystrix: h, prefix: ['a'] }, TypeError, /prefix must be a string/],
    ];
    for (const [options, type, text] of cases) {
      expect(() => registerGraphite(options as never), JSON.stringify(options)).toThrow(type);
      expect(() => registerGraphite(options as never)).toThrow(text);
    }
    expect(h.metricCollectors.list()).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('an adaptive limit', () => {
  test('writes the gauge concurrencyLimit of a command with one, go-metrics style; none for a fixed limit', async () => {
    const server = await serve();
    const { h, clock } = setup();
    graphite({ hystrix: h, host: '127.0.0.1', port: server.port, interval: 1000 });
    h.configureCommand('api', {
      adaptiveConcurrency: 'aimd',
      minConcurrentRequests: 2,
      maxConcurrentRequests: 8,
    });
    // The first success (1 of 2 in flight) raises the limit to 3; the gauge holds the limit of the last call.
    await h.do('api', () => 1);
    await h.do('api', () => 1);
    await h.do('fixed', () => 1);
    clock.advance(1000);
    const ts = START / 1000 + 1;
    // api: 2 counters, 2 timers of 10 lines and the gauge; fixed: the same without the gauge.
    const lines = await server.next(23 + 22);
    expect(lines.filter((l) => l.includes('concurrencyLimit'))).toEqual([
      `api.concurrencyLimit.value 3 ${ts}`,
    ]);
  });
});
