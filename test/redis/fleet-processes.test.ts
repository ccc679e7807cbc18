import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../scripts/redis-server.js';

/**
 * Several processes as one fleet, each a real Node process with its own registry and Redis connection, against
 * a real HTTP dependency on 127.0.0.1 and a real redis-server that the tests kill, pause and restart.
 */

interface Report {
  counts: {
    ok: number;
    failed: number;
    shortCircuited: number;
    rejected: number;
    rateLimited: number;
    other: number;
  };
  state: string;
  fleet: { localMode: boolean; instances: number } | null;
  localModeLogs: number;
  rejoinedLogs: number;
  unhandled: number;
}

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  report: Promise<Report>;
  exit: Promise<number | null>;
}

type Mode = 'dead' | 'ok' | 'slow';

/** The dependency: answers by its mode, and notes when each request arrived. */
class Dependency {
  mode: Mode = 'ok';
  arrivals: number[] = [];
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      this.arrivals.push(Date.now());
      req.resume();
      if (this.mode === 'dead') {
        res.writeHead(500).end('down');
      } else if (this.mode === 'slow') {
        const timer = setTimeout(() => res.writeHead(200).end('late'), 400);
        res.on('close', () => {
          clearTimeout(timer);
        });
      } else {
        res.writeHead(200).end('ok');
      }
    });
  }

  listen(): Promise<string> {
    return new Promise((resolve) => {
      this.server.listen(0, '127.0.0.1', () => {
        const { port } = this.server.address() as AddressInfo;
        resolve(`http://127.0.0.1:${port}/`);
      });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let redis: RedisServer;
let dependency: Dependency;
let url: string;
let fleetNumber = 0;

beforeAll(async () => {
  redis = await RedisServer.start();
  dependency = new Dependency();
  url = await dependency.listen();
});

afterAll(async () => {
  try {
    await dependency.close();
  } finally {
    await redis.stop();
  }
});

function worker(config: object): Worker {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/redis/fixtures/fleet-worker.ts', JSON.stringify(config)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  let readyResolve: () => void = () => undefined;
  let reportResolve: (report: Report) => void = () => undefined;
  const ready = new Promise<void>((resolve) => (readyResolve = resolve));
  const report = new Promise<Report>((resolve) => (reportResolve = resolve));
  lines.on('line', (line) => {
    if (line === 'ready') readyResolve();
    else if (line.startsWith('{')) reportResolve(JSON.parse(line) as Report);
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // A process that dies before it is ready fails the test at once rather than by its timeout.
  const failed = exit.then((code) => {
    throw new Error(`a fleet process exited with ${code} before it was ready`);
  });
  failed.catch(() => undefined);
  return { child, ready: Promise.race([ready, failed]), report, exit };
}

/** `count` processes of a new fleet, started together once all are ready. */
async function fleetOf(
  count: number,
  options: { callsPerSecond: number; seconds: number; command: object; syncInterval?: number },
): Promise<Worker[]> {
  const fleet = `processes-${++fleetNumber}`;
  const workers = Array.from({ length: count }, () =>
    worker({ redisPort: redis.port, fleet, url, syncInterval: 250, ...options }),
  );
  await Promise.all(workers.map((w) => w.ready));
  for (const w of workers) w.child.stdin?.write('go\n');
  return workers;
}

async function finish(workers: readonly Worker[]): Promise<Report[]> {
  const reports = await Promise.all(workers.map((w) => w.report));
  // Each process exits by itself once its registry is closed and its client disconnected.
  for (const w of workers) w.child.stdin?.end();
  expect(await Promise.all(workers.map((w) => w.exit))).toEqual(workers.map(() => 0));
  for (const report of reports) expect(report.unhandled).toBe(0);
  return reports;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// The processes share one dependency and one Redis: one test at a time.
describe('a fleet of processes', { concurrent: false }, () => {
  it('a dead dependency gets about the volume threshold from the fleet, not one threshold per process', async () => {
    dependency.mode = 'dead';
    dependency.arrivals = [];
    const processes = 8;
    const threshold = 20;
    const perSecond = 10;
    const workers = await fleetOf(processes, {
      callsPerSecond: perSecond,
      seconds: 3,
      syncInterval: 250,
      // No probe within the test: every arrival is a call made before the process short-circuited.
      command: {
        requestVolumeThreshold: threshold,
        errorPercentThreshold: 50,
        sleepWindow: 60_000,
      },
    });
    const reports = await finish(workers);
    dependency.mode = 'ok';
    const arrivals = dependency.arrivals.length;
    // The threshold, plus what the fleet sends in the intervals that push the counts, read them back and spread
    // the opening (at most three; 8 × 10/s × 0.25 s = 20 each), with 10 more for a loaded machine. Alone, each
    // process would have sent its own 20 before opening: 160 in all, reached in 2 s of these 3.
    expect(arrivals).toBeGreaterThanOrEqual(threshold);
    expect(arrivals).toBeLessThanOrEqual(threshold + 3 * processes * perSecond * 0.25 + 10);
    for (const report of reports) {
      expect(report.state).toBe('open');
      expect(report.counts.shortCircuited).toBeGreaterThan(0);
    }
  }, 60_000);

  it('one process probes for the fleet per sleep window, and its success closes every process', async () => {
    dependency.mode = 'dead';
    dependency.arrivals = [];
    const workers = await fleetOf(4, {
      callsPerSecond: 20,
      seconds: 6,
      syncInterval: 250,
      command: { requestVolumeThreshold: 10, errorPercentThreshold: 50, sleepWindow: 1000 },
    });
    await sleep(4000);
    const dead = [...dependency.arrivals];
    dependency.mode = 'ok';
    const reports = await finish(workers);
    // After the calls that opened it, a quiet spell, then single probes at least a sleep window apart (four
    // processes alone would send four per window).
    const quiet = dead.findIndex((t, i) => i > 0 && t - (dead[i - 1] ?? t) >= 700);
    expect(quiet).toBeGreaterThan(0);
    const probes = dead.slice(quiet);
    expect(probes.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < probes.length; i++) {
      expect((probes[i] ?? 0) - (probes[i - 1] ?? 0)).toBeGreaterThanOrEqual(900);
    }
    // Recovered: a probe succeeded and every process closed the circuit and called through again.
    for (const report of reports) {
      expect(report.state).toBe('closed');
      expect(report.counts.ok).toBeGreaterThan(0);
      expect(report.counts.other).toBe(0);
    }
  }, 60_000);

  it('a slow dependency times out and opens the circuit for the whole fleet', async () => {
    dependency.mode = 'slow';
    dependency.arrivals = [];
    const workers = await fleetOf(4, {
      callsPerSecond: 25,
      seconds: 2,
      command: { requestVolumeThreshold: 10, timeout: 50, sleepWindow: 5000 },
    });
    const reports = await finish(workers);
    dependency.mode = 'ok';
    expect(dependency.arrivals.length).toBeLessThan(4 * 10);
    for (const report of reports) {
      expect(report.state).toBe('open');
      expect(report.counts.shortCircuited).toBeGreaterThan(0);
      expect(report.counts.ok).toBe(0);
    }
  }, 60_000);

  it('keeps a fleet rate limit of 100 a second across four processes within a few percent over 10 s', async () => {
    dependency.mode = 'ok';
    dependency.arrivals = [];
    const workers = await fleetOf(4, {
      callsPerSecond: 60,
      seconds: 10,
      command: { fleetMaxRequestsPerSecond: 100 },
    });
    const reports = await finish(workers);
    const admitted = dependency.arrivals.length;
    // 100 a second for 10 s, with the bucket's one interval (10 tokens) at the start.
    expect(admitted).toBeLessThanOrEqual(1000 * 1.03 + 10);
    expect(admitted).toBeGreaterThanOrEqual(900);
    const limited = reports.reduce((sum, r) => sum + r.counts.rateLimited, 0);
    expect(limited).toBeGreaterThan(0);
    expect(reports.reduce((sum, r) => sum + r.counts.ok, 0)).toBe(admitted);
  }, 60_000);

  it('goes on through Redis killed, restarted, paused and resumed mid-traffic: no call fails because of Redis', async () => {
    dependency.mode = 'ok';
    const workers = await fleetOf(3, {
      callsPerSecond: 50,
      seconds: 6,
      // A circuit and a pool out of reach: only Redis's faults are at work here.
      command: { requestVolumeThreshold: 1_000_000, maxConcurrentRequests: 1000 },
    });
    await sleep(800);
    await redis.kill();
    await sleep(1200);
    await redis.restart();
    await sleep(1000);
    redis.pause();
    await sleep(1000);
    redis.resume();
    const reports = await finish(workers);
    for (const report of reports) {
      expect(report.counts.ok).toBeGreaterThan(200);
      expect(report.counts).toMatchObject({
        failed: 0,
        shortCircuited: 0,
        rejected: 0,
        rateLimited: 0,
        other: 0,
      });
      expect(report.localModeLogs).toBeGreaterThanOrEqual(1);
      expect(report.rejoinedLogs).toBeGreaterThanOrEqual(1);
      expect(report.fleet?.localMode).toBe(false);
      expect(report.fleet?.instances).toBe(3);
    }
  }, 60_000);
});
