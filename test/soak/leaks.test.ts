/**
 * A process that uses the library exits by itself: each fixture (test/soak/fixtures) runs on the
 * real clock in a child process, prints a `LAST` line after its last action, and must then exit,
 * with code 0, within a second. A fixture that is still alive after `KILL_AFTER` is killed and
 * fails its test. Each fixture also reports what its callers saw and what the circuits counted,
 * which must be exactly as expected, and which handles were keeping its event loop alive at its
 * last action (none but its standard streams).
 */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, test } from 'vitest';
import { PENDING_FIGURES, TRAFFIC_FIGURES } from './fixtures/traffic.js';

const EXIT_WITHIN = 1000;
const KILL_AFTER = 20_000;
const TEST_TIMEOUT = KILL_AFTER + 10_000;

interface FixtureRun {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The test had to kill it: it did not exit by itself. */
  killed: boolean;
  stdout: string;
  stderr: string;
  /** When each marker line (`WAITING`, `LAST`) arrived, in ms on the test's clock. */
  marks: Map<string, number>;
  /** When the process exited. */
  exitedAt: number;
  /** The JSON after `LAST `. */
  report: unknown;
  /** From the `LAST` line to the exit, in ms. */
  exitMs: number;
}

const exitTimes: string[] = [];

function runFixture(fixture: string, ...args: string[]): Promise<FixtureRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', `test/soak/fixtures/${fixture}`, ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    let scanned = 0;
    const marks = new Map<string, number>();
    let killed = false;
    let exitedAt = Number.NaN;
    const killer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, KILL_AFTER);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const now = performance.now();
      stdout += chunk;
      let end = stdout.indexOf('\n', scanned);
      while (end >= 0) {
        const mark = /^[A-Z]+/.exec(stdout.slice(scanned, end))?.[0];
        if (mark !== undefined && !marks.has(mark)) marks.set(mark, now);
        scanned = end + 1;
        end = stdout.indexOf('\n', scanned);
      }
    });
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', () => {
      exitedAt = performance.now();
      clearTimeout(killer);
    });
    child.on('close', (code, signal) => {
      const line = stdout.split('\n').find((l) => l.startsWith('LAST '));
      const lastAt = marks.get('LAST') ?? Number.NaN;
      const run: FixtureRun = {
        code,
        signal,
        killed,
        stdout,
        stderr,
        marks,
        exitedAt,
        report: line === undefined ? undefined : JSON.parse(line.slice('LAST '.length)),
        exitMs: exitedAt - lastAt,
      };
      exitTimes.push(`${[fixture, ...args].join(' ')}: ${run.exitMs.toFixed(0)} ms`);
      resolve(run);
    });
  });
}

/** The process exited by itself, cleanly, within a second of its last action. */
function expectCleanExit(run: FixtureRun): void {
  const context = `stdout: ${run.stdout}\nstderr: ${run.stderr}`;
  expect(run.killed, `still alive after ${KILL_AFTER} ms, killed. ${context}`).toBe(false);
  expect(run.stderr).toBe('');
  expect({ code: run.code, signal: run.signal }, context).toEqual({ code: 0, signal: null });
  expect(run.marks.has('LAST'), `no LAST line. ${context}`).toBe(true);
  expect(run.exitMs, 'ms from the last action to the exit').toBeGreaterThanOrEqual(0);
  expect(run.exitMs, 'ms from the last action to the exit').toBeLessThan(EXIT_WITHIN);
}

const OUTCOMES = TRAFFIC_FIGURES.outcomes;
const STATS = { fast: TRAFFIC_FIGURES.fast, long: TRAFFIC_FIGURES.long };
const PENDING = {
  outcomes: PENDING_FIGURES.outcomes,
  abortReasons: PENDING_FIGURES.abortReasons,
  activeCount: PENDING_FIGURES.activeCount,
};

afterAll(() => {
  console.log(`exit after the last action:\n  ${exitTimes.join('\n  ')}`);
});

describe('a process using the library exits by itself within a second of its last action', () => {
  test(
    '(a) traffic of every kind, calls in flight, close()',
    async () => {
      const run = await runFixture('close.ts');
      expectCleanExit(run);
      expect(run.report).toEqual({
        outcomes: OUTCOMES,
        stats: STATS,
        pending: PENDING,
        circuitsAfterClose: 0,
        resources: [],
      });
    },
    TEST_TIMEOUT,
  );

  test(
    '(b) flush() in the middle of traffic, more traffic, then close()',
    async () => {
      const run = await runFixture('flush.ts');
      expectCleanExit(run);
      expect(run.report).toEqual({
        circuitsAfterFlush: 0,
        outcomes: { before: OUTCOMES, after: OUTCOMES },
        stats: { ...STATS, oldFastActive: TRAFFIC_FIGURES.fast.activeCount, sameCircuit: false },
        pending: {
          before: PENDING_FIGURES.outcomes,
          after: PENDING_FIGURES.outcomes,
          abortReasons: [...PENDING_FIGURES.abortReasons, ...PENDING_FIGURES.abortReasons],
          activeCount: [PENDING_FIGURES.activeCount, PENDING_FIGURES.activeCount],
          sameCircuit: false,
        },
        circuitsAfterClose: 0,
        resources: [],
      });
    },
    TEST_TIMEOUT,
  );

  describe('(c) the event stream, a real SSE client connected during traffic, then stopped', () => {
    const shown = {
      fast: {
        requestCount: 22,
        errorCount: 16,
        rollingCountSuccess: 6,
        rollingCountFailure: 9,
        rollingCountTimeout: 7,
        rollingCountFallbackSuccess: 5,
        rollingCountFallbackFailure: 2,
        currentConcurrentExecutionCount: 3,
      },
      long: {
        requestCount: 6,
        errorCount: 3,
        rollingCountSuccess: 3,
        rollingCountFailure: 3,
        rollingCountTimeout: 0,
        rollingCountFallbackSuccess: 2,
        rollingCountFallbackFailure: 1,
        currentConcurrentExecutionCount: 0,
      },
    };
    const expected = (mode: string): unknown => ({
      mode,
      outcomes: OUTCOMES,
      seen: shown,
      clients: [1, 0],
      pending:
        mode === 'registry'
          ? { outcomes: PENDING_FIGURES.outcomes, abortReasons: PENDING_FIGURES.abortReasons }
          : null,
      // Stopping the stream leaves the registry alone; its close() flushes it.
      circuitsAfter: mode === 'registry' ? 0 : 2,
      resources: [],
    });

    test(
      "by startStreamServer's close()",
      async () => {
        const run = await runFixture('stream.ts', 'server');
        expectCleanExit(run);
        expect(run.report).toEqual(expected('server'));
      },
      TEST_TIMEOUT,
    );

    test(
      'by stream.stop() and closing its own node:http server',
      async () => {
        const run = await runFixture('stream.ts', 'stream');
        expectCleanExit(run);
        expect(run.report).toEqual(expected('stream'));
      },
      TEST_TIMEOUT,
    );

    test(
      "by the registry's close(), with calls in flight",
      async () => {
        const run = await runFixture('stream.ts', 'registry');
        expectCleanExit(run);
        expect(run.report).toEqual(expected('registry'));
      },
      TEST_TIMEOUT,
    );
  });

  describe('(d) without close(): once the last call has settled (60 s deadlines armed)', () => {
    for (const mode of ['registry', 'default']) {
      test(
        mode === 'default' ? 'on the default registry' : 'on a new Hystrix()',
        async () => {
          const run = await runFixture('no-close.ts', mode);
          expectCleanExit(run);
          expect(run.report).toEqual({ mode, outcomes: OUTCOMES, stats: STATS, resources: [] });
        },
        TEST_TIMEOUT,
      );
    }
  });

  test(
    '(e) runs that never settle are timed out, keep their tickets, then close()',
    async () => {
      const run = await runFixture('hang-timeout.ts');
      expectCleanExit(run);
      expect(run.report).toEqual({
        outcomes: ['hystrix: timeout', 'fallback', 'hystrix: timeout'],
        aborted: ['hystrix: timeout'],
        stats: { requests: 3, timeouts: 3, fallbackSuccesses: 1, activeCount: 3 },
        activeAfterClose: 3,
        resourcesBeforeClose: [],
        resources: [],
      });
    },
    TEST_TIMEOUT,
  );

  test(
    '(f) control: a call still waiting keeps the process alive until close() cancels it',
    async () => {
      const run = await runFixture('waiting.ts');
      expectCleanExit(run);
      // close() runs from an unref()ed timer 1.5 s after WAITING: only the waiting call kept the
      // process alive.
      const alive = run.marks.get('LAST')! - run.marks.get('WAITING')!;
      expect(alive).toBeGreaterThanOrEqual(1400);
      expect(run.report).toEqual({
        waiting: ['Timeout'],
        outcome: 'context canceled',
        resources: [],
      });
    },
    TEST_TIMEOUT,
  );
});
