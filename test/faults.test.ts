/**
 * Faulty runs, fallbacks, collectors and loggers: every call ends in exactly one outcome, at most one fallback,
 * counted once, and nothing reaches the process as an unhandled rejection or uncaught exception.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import * as lib from '../src/index.js';
import { CASES, type FaultOutcome, runFaultCases } from './fixtures/fault-cases.js';
import { failOnUnhandled } from './helpers.js';

failOnUnhandled();

const EXPECTED: Record<string, Pick<FaultOutcome, 'fallbacks' | 'outcome' | 'activeCount'>> = {
  'run throws synchronously': { fallbacks: 0, outcome: 'sync throw', activeCount: 0 },
  'run rejects with undefined': { fallbacks: 0, outcome: 'non-Error: undefined', activeCount: 0 },
  'run rejects with a string': { fallbacks: 0, outcome: 'non-Error: a string', activeCount: 0 },
  'run rejects with a frozen object': {
    fallbacks: 0,
    outcome: 'non-Error: [object Object]',
    activeCount: 0,
  },
  'run throws a non-Error synchronously': {
    fallbacks: 0,
    outcome: 'non-Error: 42',
    activeCount: 0,
  },
  // A run that never settles keeps its ticket: the limit counts the work really in flight.
  'run never settles': { fallbacks: 0, outcome: 'hystrix: timeout', activeCount: 1 },
  'run rejects after its timeout': { fallbacks: 0, outcome: 'hystrix: timeout', activeCount: 0 },
  'run resolves after its timeout': { fallbacks: 0, outcome: 'hystrix: timeout', activeCount: 0 },
  'run rejects after the caller aborted': {
    fallbacks: 0,
    outcome: 'context canceled',
    activeCount: 0,
  },
  'fallback throws': {
    fallbacks: 1,
    outcome: "fallback failed with 'fallback throws'. run error was 'run'",
    activeCount: 0,
  },
  'fallback returns a rejected promise': {
    fallbacks: 1,
    outcome: "fallback failed with 'fallback rejects'. run error was 'run'",
    activeCount: 0,
  },
  'fallback rejects with undefined': {
    fallbacks: 1,
    outcome: "fallback failed with 'undefined'. run error was 'run'",
    activeCount: 0,
  },
  'fallback hangs': {
    fallbacks: 1,
    outcome: "fallback failed with 'hystrix: timeout'. run error was 'run'",
    activeCount: 0,
  },
  'run rejects after its timeout, with a fallback': {
    fallbacks: 1,
    outcome: 'value',
    activeCount: 0,
  },
};

function check(outcomes: FaultOutcome[]): void {
  expect(outcomes.map((o) => o.name)).toEqual(CASES.map((c) => c.name));
  for (const o of outcomes) {
    const expected = EXPECTED[o.name];
    expect(expected, o.name).toBeDefined();
    expect({ name: o.name, settled: o.settled, requests: o.requests }).toEqual({
      name: o.name,
      settled: 1,
      requests: 1,
    });
    expect({ name: o.name, ...expected }).toEqual({
      name: o.name,
      fallbacks: o.fallbacks,
      outcome: o.outcome,
      activeCount: o.activeCount,
    });
  }
}

describe('fault cases', () => {
  test('in-process, against the source', async () => {
    check(await runFaultCases(lib));
  });

  test('in a child process with --unhandled-rejections=strict, against the build', async () => {
    expect(existsSync('dist/index.js'), 'dist/ is built by `npm test` before the tests').toBe(true);
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--unhandled-rejections=strict', '--import', 'tsx', 'test/fixtures/fault-child.ts'],
      { timeout: 20_000 },
    );
    expect(stderr).toBe('');
    check(JSON.parse(stdout) as FaultOutcome[]);
  });
});
