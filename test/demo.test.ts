/**
 * The README's first command, `npm run demo`: a flaky upstream, load through three commands and the dashboard,
 * on real sockets. It runs in real time, so these are smoke tests: it starts, reports each second, serves the
 * dashboard, and ends cleanly, by itself or on Ctrl-C.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { get } from 'node:http';
import { expect, test } from 'vitest';

function start(args: string[]): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number>((resolve) =>
    child.once('exit', (code) => resolve(code ?? -1)),
  );
  return { child, output: () => output, exited };
}

function waitFor(read: () => string, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve) => {
    const check = (): void => {
      const match = pattern.exec(read());
      if (match) resolve(match);
      else setTimeout(check, 50);
    };
    check();
  });
}

test('npm run demo -- --seconds 3: dashboard address, a status line a second, a clean exit', async () => {
  const demo = start(['--seconds', '3']);
  const [, url] = await waitFor(demo.output, /Dashboard: +(http:\/\/127\.0\.0\.1:\d+)\//);
  const page = await new Promise<number>((resolve, reject) => {
    get(`${url!}/`, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
  expect(page).toBe(200);
  expect(await demo.exited).toBe(0);
  const lines = demo.output().split('\n');
  const status = lines.filter((l) => /^\s+\d+s\s/.test(l));
  expect(status).toHaveLength(3);
  for (const line of status)
    expect(line).toMatch(/inventory (closed|open|half-open).*pricing.*reviews/);
  expect(demo.output()).toContain('Stopped.');
});

test('Ctrl-C ends the demo cleanly: everything stops and the process exits by itself', async () => {
  const demo = start([]);
  await waitFor(demo.output, /^\s+1s\s/m);
  demo.child.kill('SIGINT');
  expect(await demo.exited).toBe(0);
  expect(demo.output()).toContain('Stopped.');
});
