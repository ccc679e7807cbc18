/**
 * The README's first command, `npm run demo`: a flaky upstream, load through three commands and the dashboard,
 * on real sockets. It runs in real time, so these are smoke tests: it starts, reports each second, serves the
 * dashboard, and ends cleanly, by itself or on Ctrl-C.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** A port that was free a moment ago: the demo is told to use it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function status(url: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

test('--port and --host: the dashboard listens where it is told; the status line counts short-circuits', async () => {
  const port = await freePort();
  // All of 127.0.0.0/8 is loopback: a host other than the default shows that --host is used.
  const demo = start(['--seconds', '2', '--port', String(port), '--host', '127.0.0.2']);
  const [, url] = await waitFor(demo.output, /Dashboard: +(http:\/\/[\d.]+:\d+)\//);
  expect(url).toBe(`http://127.0.0.2:${port}`);
  expect(await status(`${url!}/`)).toBe(200);
  expect(await demo.exited).toBe(0);
  const lines = demo.output().split('\n');
  const statusLines = lines.filter((l) => /^\s+\d+s\s/.test(l));
  expect(statusLines).toHaveLength(2);
  for (const line of statusLines) {
    for (const route of ['inventory', 'pricing', 'reviews'])
      expect(line).toMatch(
        new RegExp(`${route} \\S+ +-?\\d+ ok +\\d+ fallback +\\d+ short-circuited`),
      );
  }
});

test('the dashboard binds 127.0.0.1 by default; a bad --port is refused', async () => {
  const demo = start(['--seconds', '1']);
  await waitFor(demo.output, /Dashboard: +http:\/\/127\.0\.0\.1:\d+\//);
  expect(await demo.exited).toBe(0);
  const bad = start(['--seconds', '1', '--port', '70000']);
  expect(await bad.exited).not.toBe(0);
  expect(bad.output()).toContain('--port must be an integer from 0 to 65535, got 70000');
});
