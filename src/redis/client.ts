import { createHash } from 'node:crypto';
import type { Script } from './scripts.js';

/**
 * What the fleet needs of a Redis client: `evalsha` and `eval`, as ioredis's `Redis` and `Cluster` have them
 * (`numkeys` then keys and arguments, resolving with the reply).
 */
export interface FleetRedisClient {
  /** Runs a script the server knows by its SHA-1. */
  evalsha(sha1: string, numkeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  /** Runs a script from its source (the server keeps it for later `evalsha`). */
  eval(script: string, numkeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
}

/** Whether `value` looks like a client the fleet can use. */
export function isFleetRedisClient(value: unknown): value is FleetRedisClient {
  if (typeof value !== 'object' || value === null) return false;
  const client = value as Record<string, unknown>;
  return typeof client['evalsha'] === 'function' && typeof client['eval'] === 'function';
}

const shas = new WeakMap<Script, string>();

function shaOf(script: Script): string {
  let sha = shas.get(script);
  if (sha === undefined) {
    sha = createHash('sha1').update(script.source).digest('hex');
    shas.set(script, sha);
  }
  return sha;
}

/**
 * Runs `script` by its SHA-1, sending its source once when the server answers `NOSCRIPT` (a new server, a
 * restarted one, or another node of a cluster). A client that throws instead of rejecting rejects here.
 */
export async function runScript(
  client: FleetRedisClient,
  script: Script,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await client.evalsha(shaOf(script), keys.length, ...keys, ...args);
  } catch (error: unknown) {
    if (!isNoScript(error)) throw error;
    return await client.eval(script.source, keys.length, ...keys, ...args);
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
