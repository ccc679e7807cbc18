/** The README's demo, run on its simulated clock: the circuit must open, short-circuit, probe and close. */
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
});
