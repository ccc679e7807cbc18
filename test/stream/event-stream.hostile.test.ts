/** The stream handler over a real socket, against hostile requests and clients: a bounded answer each time,
 * and the stream still serves. */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { Hystrix, ManualClock } from '../../src/index.js';
import { HystrixStream, startStreamServer, type StreamServer } from '../../src/stream/index.js';
import { failOnUnhandled, manualHystrix, until } from '../helpers.js';
import { expectStillWorks, GlitchClock } from '../hostile.js';

failOnUnhandled();

interface Exchange {
  text: string;
  status: number;
  closed: boolean;
  timedOut: boolean;
  socket: Socket;
}

function statusOf(text: string): number {
  const match = /^HTTP\/1\.[01] (\d{3}) /.exec(text);
  return match ? Number(match[1]) : 0;
}

/** The body of a raw response (undone chunked framing is kept: callers look for substrings only). */
function bodyOf(text: string): string {
  const head = text.indexOf('\r\n\r\n');
  return head < 0 ? '' : text.slice(head + 4);
}

/** The `data:` payloads of a raw event-stream response. */
function dataPayloads(text: string): string[] {
  return bodyOf(text)
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice('data:'.length));
}

/** A complete response: a stream that sent its first ping, or a body of its stated length or final chunk. */
function responseDone(text: string): boolean {
  const head = text.indexOf('\r\n\r\n');
  if (head < 0) return false;
  const headers = text.slice(0, head).toLowerCase();
  const body = text.slice(head + 4);
  if (headers.includes('text/event-stream')) return body.includes(': ping\n\n');
  const length = /content-length: (\d+)/.exec(headers);
  if (length) return body.length >= Number(length[1]);
  if (headers.includes('transfer-encoding: chunked')) return body.endsWith('0\r\n\r\n');
  return false;
}

const sockets = new Set<Socket>();

/**
 * Sends `chunks` on a raw socket and collects the answer until `done(text)`, the server closes, or `timeoutMs`
 * (a hang detector, not a clock for the logic). `onFirstData` runs once when the first bytes arrive.
 */
function exchange(
  port: number,
  chunks: readonly (string | Buffer)[],
  done: (text: string) => boolean = responseDone,
  timeoutMs = 5000,
  onFirstData?: (text: string) => unknown,
): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    sockets.add(socket);
    let text = '';
    let finished = false;
    let first = true;
    const finish = (closed: boolean, timedOut: boolean): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      resolve({ text, status: statusOf(text), closed, timedOut, socket });
    };
    const timer = setTimeout(() => {
      finish(false, true);
    }, timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (first) {
        first = false;
        onFirstData?.(text);
      }
      if (done(text)) finish(false, false);
    });
    socket.on('close', () => {
      finish(true, false);
    });
    socket.on('error', () => undefined); // a reset after the server's answer
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
    });
  });
}

const GET = (path: string, headers = ''): string =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Connection: close\r\n\r\n`;

const servers: StreamServer[] = [];
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  for (const server of servers.splice(0)) await server.close();
});

async function serve(options: { maxClients?: number } = {}): Promise<{
  h: Hystrix;
  clock: ManualClock;
  server: StreamServer;
}> {
  const { h, clock } = manualHystrix();
  await h.go('streamed', () => 1);
  const server = await startStreamServer({ hystrix: h, ...options });
  servers.push(server);
  return { h, clock, server };
}

/**
 * The server still serves: once the earlier clients are gone, a stream client gets 200 and a frame with the
 * circuit, the page 200, and the registry still counts calls.
 */
async function expectServes(server: StreamServer, h: Hystrix): Promise<void> {
  await until(() => server.stream.clientCount === 0);
  const stream = await exchange(server.port, [GET('/hystrix.stream')]);
  expect(stream.timedOut).toBe(false);
  expect(stream.status).toBe(200);
  expect(stream.text).toContain('"name":"streamed"');
  stream.socket.destroy();
  const page = await exchange(server.port, [GET('/')]);
  expect(page.status).toBe(200);
  expect(page.text).toContain('hystrix.stream');
  await until(() => server.stream.clientCount === 0);
  await expectStillWorks(h);
}

describe('a clock that returns garbage once in a while', () => {
  test('the stream of a registry whose clock returns NaN or Infinity still sends valid JSON', async () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const base = new ManualClock(1_700_000_000_000);
      const clock = new GlitchClock(base, bad, 3);
      const h = new Hystrix({ clock });
      await h.go('streamed', () => 1);
      const server = await startStreamServer({ hystrix: h });
      try {
        const ex = await exchange(
          server.port,
          ['GET /hystrix.stream?extended=true HTTP/1.1\r\nHost: x\r\n\r\n'],
          (text) => (text.match(/"type":"HystrixCommand"/g) ?? []).length >= 4,
          5000,
          (socketText) => {
            for (let i = 0; i < 6; i++) base.advance(1000);
            return socketText;
          },
        );
        ex.socket.destroy();
        expect(ex.timedOut).toBe(false);
        const payloads = dataPayloads(ex.text);
        expect(payloads.length).toBeGreaterThan(4);
        for (const payload of payloads) {
          expect(() => JSON.parse(payload) as unknown, payload.slice(0, 120)).not.toThrow();
        }
      } finally {
        await server.close();
      }
    }
  });
});

describe('the stream handler over a real socket', () => {
  test.each<[string, string, number[]]>([
    ['an encoded NUL', '/%00', [404]],
    ['an encoded NUL after the stream path', '/hystrix.stream%00', [404]],
    ['an encoded NUL in the query', '/hystrix.stream?extended=%00true', [200]],
    ['dot segments', '/../../../etc/passwd', [404]],
    ['dot segments after the stream path', '/hystrix.stream/../hystrix.stream', [404]],
    ['encoded dot segments', '/%2e%2e/%2e%2e/hystrix.stream', [404]],
    ['an encoded slash', '/hystrix.stream%2f..%2f', [404]],
    ['a backslash', '/\\hystrix.stream', [404]],
    ['an absolute URL', 'http://evil.example/hystrix.stream', [404]],
    ['an asterisk', '*', [404]],
    ['a 64 KB path', `/${'a'.repeat(64 * 1024)}`, [431]],
    ['a 64 KB query on the stream path', `/hystrix.stream?${'x'.repeat(64 * 1024)}`, [431]],
    ['UTF-8 in the path', '/hystrix.stream/\u00e9\u00e8', [404, 400]],
  ])('%s: a bounded answer, and the stream still serves', async (_l, path, statuses) => {
    const { h, server } = await serve();
    const ex = await exchange(server.port, [GET(path)]);
    expect(ex.timedOut).toBe(false);
    expect(statuses).toContain(ex.status);
    ex.socket.destroy();
    await expectServes(server, h);
  });

  test('a raw NUL or control characters in the request line are refused by the parser', async () => {
    const { h, server } = await serve();
    for (const line of [
      'GET /hystrix.stream\u0000 HTTP/1.1',
      'GET /hys\u0000trix.stream HTTP/1.1',
      'GET /hystrix.stream\u0007 HTTP/1.1',
      'GET /hystrix stream HTTP/1.1',
    ]) {
      const ex = await exchange(server.port, [`${line}\r\nHost: x\r\n\r\n`]);
      expect(ex.timedOut).toBe(false);
      expect([400, 404]).toContain(ex.status);
      ex.socket.destroy();
    }
    await expectServes(server, h);
  });

  test.each<[string, number[]]>([
    ['POST', [405]],
    ['PUT', [405]],
    ['DELETE', [405]],
    ['PATCH', [405]],
    ['OPTIONS', [405]],
    ['TRACE', [405]],
    ['PROPFIND', [405]],
    ['M-SEARCH', [405]],
    ['FOO', [400]],
    ['get', [400]],
    ['GETT', [400]],
    ['G\u0000T', [400]],
  ])(
    'method %s on the stream: 405 with Allow, or 400 from the parser',
    async (method, statuses) => {
      const { h, server } = await serve();
      for (const path of ['/hystrix.stream', '/']) {
        const ex = await exchange(server.port, [
          `${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
        ]);
        expect(ex.timedOut).toBe(false);
        expect(statuses).toContain(ex.status);
        if (ex.status === 405) {
          expect(ex.text).toMatch(/\r\nallow: GET, HEAD\r\n/i);
          expect(bodyOf(ex.text)).toContain('method not allowed');
        }
        ex.socket.destroy();
      }
      expect(server.stream.clientCount).toBe(0);
      await expectServes(server, h);
    },
  );

  test('CONNECT and an upgrade request: the connection is closed or answered, nothing is left open', async () => {
    const { h, server } = await serve();
    const connectRequest = await exchange(server.port, [
      'CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n',
    ]);
    expect(connectRequest.timedOut).toBe(false);
    expect(connectRequest.closed).toBe(true);
    const upgrade = await exchange(server.port, [
      GET('/hystrix.stream', 'Upgrade: websocket\r\nConnection: Upgrade\r\n').replace(
        'Connection: close\r\n',
        '',
      ),
    ]);
    expect(upgrade.timedOut).toBe(false);
    upgrade.socket.destroy();
    await until(() => server.stream.clientCount === 0);
    await expectServes(server, h);
  });

  test.each<[string, string, number[]]>([
    ['a 20 KB header', `X-Big: ${'b'.repeat(20 * 1024)}\r\n`, [431]],
    ['a 1 MB header', `X-Big: ${'b'.repeat(1 << 20)}\r\n`, [431]],
    ['5,000 small headers', 'X-N: 1\r\n'.repeat(5000), [431]],
    // 900: under the header count (1,000 since Node 22) and size limits of every supported Node.
    ['900 small headers (under the limits)', 'X-N: 1\r\n'.repeat(900), [200]],
    ['a header line without a colon', 'Not a header\r\n', [400]],
    ['a space in a header name', 'Bad Name: x\r\n', [400]],
    ['a NUL in a header value', 'X-Nul: a\u0000b\r\n', [400]],
    ['a bare LF in a header value', 'X-Lf: a\nb: c\r\n', [400, 200]],
    ['an invalid Content-Length', 'Content-Length: abc\r\n', [400]],
    ['two Content-Lengths', 'Content-Length: 1\r\nContent-Length: 2\r\n', [400]],
    [
      'Content-Length and chunked together',
      'Content-Length: 3\r\nTransfer-Encoding: chunked\r\n',
      [400],
    ],
    ['a folded header', 'X-Fold: a\r\n b\r\n', [400, 200]],
    ['UTF-8 in a header value', 'X-Name: \u00e9\u00e8\u4e2d\r\n', [200]],
    ['a 10,000-character Accept', `Accept: ${'text/event-stream,'.repeat(600)}\r\n`, [200]],
  ])('%s: a bounded answer, and the stream still serves', async (_l, headers, statuses) => {
    const { h, server } = await serve();
    const ex = await exchange(server.port, [GET('/hystrix.stream', headers)]);
    expect(ex.timedOut).toBe(false);
    expect(statuses).toContain(ex.status);
    ex.socket.destroy();
    await until(() => server.stream.clientCount === 0);
    await expectServes(server, h);
  });

  test('a request without Host is refused; an HTTP/0.9-style request and garbage get a bounded answer', async () => {
    const { h, server } = await serve();
    const noHost = await exchange(server.port, ['GET /hystrix.stream HTTP/1.1\r\n\r\n']);
    expect(noHost.status).toBe(400);
    const old = await exchange(server.port, ['GET /hystrix.stream\r\n\r\n']);
    expect(old.timedOut).toBe(false);
    // llhttp reads a request line without a version as HTTP/0.9: it is served like any other.
    expect([0, 200, 400]).toContain(old.status);
    old.socket.destroy();
    const garbage = await exchange(server.port, [Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10])]);
    expect(garbage.timedOut).toBe(false);
    expect([0, 400]).toContain(garbage.status);
    await expectServes(server, h);
  });

  test('a query with thousands of parameters: 200, and `extended` is still recognised', async () => {
    const { h, clock, server } = await serve();
    const params = Array.from({ length: 3000 }, (_, i) => `${'abc'[i % 3]!}=1`).join('&');
    expect(params.length).toBeLessThan(16 * 1024);
    const plain = await exchange(server.port, [GET(`/hystrix.stream?${params}`)]);
    expect(plain.status).toBe(200);
    expect(plain.text).not.toContain('HystrixTsCircuit');
    const extended = await exchange(server.port, [GET(`/hystrix.stream?${params}&extended=true`)]);
    expect(extended.status).toBe(200);
    expect(extended.text).toContain('"type":"HystrixTsCircuit"');
    const repeated = await exchange(server.port, [
      GET(`/hystrix.stream?${'extended=true&'.repeat(1000)}`),
    ]);
    expect(repeated.status).toBe(200);
    expect(repeated.text).toContain('"type":"HystrixTsCircuit"');
    // A pattern that would make a careless regular expression backtrack.
    const started = process.hrtime.bigint();
    const tricky = await exchange(server.port, [
      GET(`/hystrix.stream?${'extended='.repeat(1500)}x&${'&'.repeat(1500)}`),
    ]);
    expect(tricky.status).toBe(200);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2000);
    expect(server.stream.clientCount).toBe(4);
    clock.advance(1000);
    for (const ex of [plain, extended, repeated, tricky]) ex.socket.destroy();
    await until(() => server.stream.clientCount === 0);
    expect(clock.pendingTimers()).toBe(0);
    await expectServes(server, h);
  });

  test('slowloris: partial requests do not hang the others, are not clients, and close() ends them', async () => {
    const { h, clock, server } = await serve();
    const line = 'GET /hystrix.stream HTTP/1.1\r\nHost: 127.0.0.1\r\n';
    const slow: { socket: Socket; closed: boolean }[] = [];
    for (let i = 0; i < 200; i++) {
      const socket = connect(server.port, '127.0.0.1');
      sockets.add(socket);
      const entry = { socket, closed: false };
      socket.on('error', () => undefined);
      socket.on('close', () => (entry.closed = true));
      // Half send the request line and dribble header lines; half dribble the request line itself.
      socket.write(i % 2 === 0 ? line : 'G');
      slow.push(entry);
    }
    for (let round = 0; round < 5; round++) {
      for (const [i, { socket }] of slow.entries()) {
        socket.write(i % 2 === 0 ? `X-Slow-${round}: 1\r\n` : line.slice(1 + round, 2 + round));
      }
      const ex = await exchange(server.port, [GET('/hystrix.stream')], responseDone, 2000);
      expect(ex.timedOut, 'a normal client waited behind slow ones').toBe(false);
      expect(ex.status).toBe(200);
      ex.socket.destroy();
      const page = await exchange(server.port, [GET('/')], responseDone, 2000);
      expect(page.status).toBe(200);
    }
    await until(() => server.stream.clientCount === 0);
    // A complete request sent one byte at a time still gets its stream.
    const request = GET('/hystrix.stream');
    const trickle = connect(server.port, '127.0.0.1');
    sockets.add(trickle);
    let text = '';
    trickle.setEncoding('latin1');
    trickle.on('data', (chunk: string) => (text += chunk));
    for (const byte of request) {
      trickle.write(byte);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => responseDone(text));
    expect(statusOf(text)).toBe(200);
    expect(server.stream.clientCount).toBe(1);
    trickle.destroy();
    await expectServes(server, h);
    clock.advance(1000);
    // The slow ones were never clients; closing the server ends them all.
    expect(server.stream.clientCount).toBe(0);
    await server.close();
    await until(() => slow.every((entry) => entry.closed));
    expect(server.server.listening).toBe(false);
  });

  test('1,000 concurrent stream clients against the default maxClients: 100 streams, 900 clear 503s', async () => {
    const { h, clock, server } = await serve();
    const heapBefore = process.memoryUsage().heapUsed;
    const all: Exchange[] = [];
    // All 1,000 stay connected at once; they connect in waves so that the listen backlog is not the test.
    for (let wave = 0; wave < 10; wave++) {
      const batch = await Promise.all(
        Array.from({ length: 100 }, () =>
          exchange(server.port, ['GET /hystrix.stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n']),
        ),
      );
      all.push(...batch);
    }
    expect(all.filter((ex) => ex.timedOut)).toHaveLength(0);
    const ok = all.filter((ex) => ex.status === 200);
    const refused = all.filter((ex) => ex.status === 503);
    expect([ok.length, refused.length]).toEqual([100, 900]);
    for (const ex of refused) {
      expect(ex.text).toMatch(/\r\nretry-after: 10\r\n/i);
      expect(bodyOf(ex.text)).toContain('hystrix: too many stream clients (at most 100)');
    }
    for (const ex of ok) expect(ex.text).toContain('text/event-stream');
    expect(server.stream.clientCount).toBe(100);

    // Ticks reach every stream client; one timer serves them all.
    const received = new Map<Socket, number>();
    for (const ex of ok) {
      received.set(ex.socket, 0);
      ex.socket.on('data', () => received.set(ex.socket, received.get(ex.socket)! + 1));
    }
    for (let tick = 0; tick < 3; tick++) {
      clock.advance(1000);
      await until(() => [...received.values()].every((n) => n > tick));
    }
    expect(clock.pendingTimers()).toBe(1);
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    expect(heapGrowth).toBeLessThan(96 * 1024 * 1024);

    // Every client goes away: the stream forgets them all and stops its timer.
    const closed = all.map((ex) =>
      ex.socket.destroyed
        ? Promise.resolve()
        : new Promise<void>((resolve) => ex.socket.once('close', () => resolve())),
    );
    for (const ex of all) ex.socket.destroy();
    await Promise.all(closed);
    await until(() => server.stream.clientCount === 0);
    expect(clock.pendingTimers()).toBe(0);
    expect(server.server.listening).toBe(true);
    await expectServes(server, h);
  });

  test('names that are hostile travel as valid JSON over the stream', async () => {
    const { h, server } = await serve();
    const names = [
      '\uD800',
      'a\uDC00b',
      '\u0000',
      'cmd\u0000evil',
      '"}\n\ndata:{"x":1}',
      'n'.repeat(1 << 20),
    ];
    for (const name of names) await h.go(name, () => 1);
    const poolEnd = '"propertyValue_queueSizeRejectionThreshold":0}\n\n';
    const ex = await exchange(
      server.port,
      [GET('/hystrix.stream')],
      (text) => text.split(poolEnd).length - 1 >= names.length + 1,
    );
    ex.socket.destroy();
    expect(ex.timedOut).toBe(false);
    const seen = dataPayloads(ex.text).map((p) => JSON.parse(p) as { type: string; name: string });
    const commands = seen.filter((m) => m.type === 'HystrixCommand').map((m) => m.name);
    expect(commands).toEqual(['streamed', ...names]);
    await expectServes(server, h);
  });

  test('handler used directly with a request that has no url or an odd method object', async () => {
    const { h } = manualHystrix();
    const stream = new HystrixStream({ hystrix: h });
    try {
      const written: string[] = [];
      const res = {
        statusCode: 0,
        headers: {} as Record<string, unknown>,
        setHeader(name: string, value: unknown): void {
          this.headers[name] = value;
        },
        writeHead(status: number): void {
          this.statusCode = status;
        },
        end(body?: string): void {
          if (body !== undefined) written.push(body);
        },
      };
      // No url at all reads as '/': the page.
      stream.handler({ method: 'GET' } as never, res as never);
      expect(res.statusCode).toBe(200);
      stream.handler({ url: '/hystrix.stream', method: undefined } as never, res as never);
      expect(res.statusCode).toBe(405);
      expect(written.join('')).toContain('method not allowed');
    } finally {
      stream.stop();
    }
    await expectStillWorks(h);
  });
});
