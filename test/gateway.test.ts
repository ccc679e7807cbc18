/**
 * `npm run demo:gateway`: the API gateway in front of two flaky upstreams, on real sockets. It runs in real
 * time, so this is a smoke test: it starts, serves the dashboard, prints its summary and ends by itself.
 */
import { spawn } from 'node:child_process';
import { expect, test } from 'vitest';

const OUTCOMES = ['ok', 'cached', 'default', 'short-circuited', 'rate-limited', 'error'];

test('npm run demo:gateway -- --seconds 2: a summary per upstream, then a clean exit', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'examples/gateway.ts', '--seconds', '2'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? -1)));
  expect(code, output).toBe(0);
  expect(output).toMatch(/Dashboard: +http:\/\/127\.0\.0\.1:\d+\//);
  const lines = output.split('\n');
  expect(
    lines.filter((l) => /^\s+\d+s\s+users (closed|open|half-open) \| catalog /.test(l)),
  ).toHaveLength(2);
  const header = lines.find((l) => l.trim().startsWith('upstream'));
  expect(header?.trim().split(/\s+/)).toEqual(['upstream', ...OUTCOMES]);
  const table = new Map<string, Map<string, number>>();
  for (const upstream of ['users', 'catalog']) {
    const row = lines.find((l) => l.trim().startsWith(upstream + ' '));
    const cells = row?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    expect(cells, `${upstream}: ${row}`).toHaveLength(OUTCOMES.length);
    table.set(upstream, new Map(OUTCOMES.map((o, i) => [o, cells[i]!])));
  }
  // Load reached both upstreams and was answered; the greedy client was rate limited; nothing failed outright.
  for (const [upstream, tally] of table) {
    expect(tally.get('ok'), upstream).toBeGreaterThan(0);
    expect(tally.get('rate-limited'), upstream).toBeGreaterThan(0);
    expect(tally.get('error'), upstream).toBe(0);
  }
  expect(output).toContain('Stopped.');
  // No warning (a listener leak, an unhandled rejection) on the way.
  expect(output).not.toMatch(/Warning|Unhandled|Error/);
}, 30_000);
