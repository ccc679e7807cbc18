/**
 * The README's demo, run on its simulated clock: the circuit must open, short-circuit, probe and close, each state
 * change printed from the registry's state events; then a quiet command opens on consecutive failures.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

test('npm run demo:terminal -- --simulate tells the whole story', async () => {
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'examples/terminal-demo.ts', '--simulate'],
    { timeout: 30_000 },
  );
  expect(stderr).toBe('');
  const lines = stdout.split('\n');
  const states = lines
    .map((l) => /^\s+\d+s\s+\S+\s+(closed|open|half-open)\s/.exec(l)?.[1])
    .filter((s): s is string => s !== undefined);
  expect(states).toHaveLength(22);
  // closed -> open (errors) -> closed -> open (timeouts) -> closed
  const runs = states.filter((s, i) => i === 0 || s !== states[i - 1]);
  expect(runs).toEqual(['closed', 'open', 'closed', 'open', 'closed']);
  expect(
    lines.filter((l) => l.includes('hystrix: opening circuit inventory')).length,
  ).toBeGreaterThan(2);
  expect(lines.filter((l) => l.includes('hystrix: closing circuit inventory'))).toHaveLength(2);
  expect(
    lines.filter((l) => l.includes('allowing single test to possibly close circuit')),
  ).not.toHaveLength(0);

  // The state events, in order, each with its reason and the window's figures.
  const changes = lines
    .map((l) =>
      /^\s+state {2}(\S+): (\S+) -> (\S+) \((\S+); (\d+) requests, (\d+) errors = (\d+) %, (\d+) failures in a row\)$/.exec(
        l,
      ),
    )
    .filter((m): m is RegExpExecArray => m !== null);
  const inventory = changes
    .filter((m) => m[1] === 'inventory')
    .map((m) => `${m[2]}>${m[3]}:${m[4]}`);
  // Every transition the log lines tell of, and no other: opened twice on thresholds, closed twice by a probe.
  expect(inventory.filter((c) => c === 'closed>open:thresholds')).toHaveLength(2);
  expect(inventory.filter((c) => c === 'half-open>closed:probes-succeeded')).toHaveLength(2);
  expect(inventory.filter((c) => c === 'half-open>open:probe-failed')).toHaveLength(
    lines.filter((l) => l.includes('hystrix: opening circuit inventory')).length - 2,
  );
  expect(inventory.filter((c) => c === 'open>half-open:sleep-window')).toHaveLength(
    lines.filter((l) => l.includes('allowing single test to possibly close circuit inventory'))
      .length,
  );
  expect(inventory[0]).toBe('closed>open:thresholds');
  expect(inventory[inventory.length - 1]).toBe('half-open>closed:probes-succeeded');
  // The figures that opened it on thresholds: at least 10 requests, at least 50 % errors.
  for (const m of changes.filter((c) => c[4] === 'thresholds')) {
    expect(Number(m[5])).toBeGreaterThanOrEqual(10);
    expect(Number(m[7])).toBeGreaterThanOrEqual(50);
  }

  // The second act: three failures in a row open the quiet command, whose volume is far below the threshold.
  const exports = changes.filter((m) => m[1] === 'exports');
  expect(exports.map((m) => m.slice(2, 9))).toEqual([
    ['closed', 'open', 'consecutive-failures', '3', '3', '100', '3'],
  ]);
  const calls = lines
    .filter((l) => /^ {2}call \d/.test(l))
    .map((l) => l.replace(/^ {2}call \d {2}/, ''));
  expect(calls).toEqual([
    'failed, fallback answered',
    'failed, fallback answered',
    'failed, fallback answered',
    'short-circuited',
    'short-circuited',
  ]);
  // The state change is printed between the third call and the fourth, as it happens.
  const opened = lines.findIndex((l) => l.includes('state  exports: closed -> open'));
  expect(lines[opened - 2]).toMatch(/^ {2}call 3 /);
  expect(lines[opened + 1]).toMatch(/^ {2}call 4 /);
  expect(lines.filter((l) => l.includes('close  the registry is closing'))).toHaveLength(1);
});
