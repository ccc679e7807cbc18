/**
 * A real redis-server for the fleet tests and the fleet benchmark: Debian's `redis-server` on a free loopback
 * port, without persistence, that can be killed, paused and restarted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free loopback port, as the system gives one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** Resolves once something accepts connections on the port. */
async function listening(port: number, process: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (process.exitCode !== null) throw new Error(`redis-server exited with ${process.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => {
        resolve(false);
      });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server did not listen on ${port}`);
}

/** Servers started and not yet stopped: killed when the process exits, so that an aborted run leaves none. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A real redis-server on a free loopback port, without persistence, that a test can stop, pause and restart. */
export class RedisServer {
  private process: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'hystrix-redis-'));

  private constructor(
    readonly port: number,
    private readonly extra: readonly string[],
  ) {}

  /** Starts a server; `extra` arguments are passed to redis-server (e.g. cluster mode). */
  static async start(extra: readonly string[] = [], port?: number): Promise<RedisServer> {
    const server = new RedisServer(port ?? (await freePort()), extra);
    await server.run();
    return server;
  }

  private async run(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.dir,
        '--protected-mode',
        'no',
        ...this.extra,
      ],
      { stdio: 'ignore' },
    );
    this.process = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    const missing = new Promise<never>((_, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) => {
        running.delete(child);
        reject(
          error.code === 'ENOENT'
            ? new Error(
                'redis-server is not installed: apt-get install redis-server redis-tools (.ci/run does it)',
              )
            : error,
        );
      });
    });
    await Promise.race([listening(this.port, child), missing]);
  }

  /** Stops the process at once (SIGKILL): what a crash looks like to clients. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = null;
    if (child === null || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Starts it again on the same port, empty. */
  async restart(): Promise<void> {
    await this.kill();
    await this.run();
  }

  /** SIGSTOP: the server holds its connections and answers nothing. */
  pause(): void {
    this.process?.kill('SIGSTOP');
  }

  /** SIGCONT. */
  resume(): void {
    this.process?.kill('SIGCONT');
  }

  /** Stops the server and removes its directory. */
  async stop(): Promise<void> {
    this.resume();
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
