/**
 * Hostile values shared by the `*.hostile.test.ts` files (proxies that throw, a clock that returns garbage), and
 * the checks each attack ends with: a clear error, nothing changed or polluted, and a registry that still works.
 */
import { expect } from 'vitest';
import {
  type Clock,
  type ClockTimer,
  type Hystrix,
  type ManualClock,
  type Settings,
} from '../src/index.js';
import { thrownBy } from './helpers.js';

export type ErrorKind = typeof TypeError | typeof RangeError;

/** An object whose every trap throws: reading, probing or listing it throws `trap`. */
export function throwingProxy(): object {
  const handler = new Proxy(
    {},
    {
      get: () => () => {
        throw new Error('trap');
      },
    },
  );
  return new Proxy({}, handler);
}

/** A function whose every trap throws, calling it included. */
export function throwingProxyFunction(): () => unknown {
  const handler = new Proxy(
    {},
    {
      get: () => () => {
        throw new Error('trap');
      },
    },
  );
  return new Proxy(() => undefined, handler);
}

/** A revoked proxy: any operation on it throws a TypeError. */
export function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** Expects `fn` to throw `kind` synchronously, with a message naming every one of `words`. */
export function expectClearError(
  fn: () => unknown,
  kind: ErrorKind,
  words: readonly string[],
): void {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(kind);
  const { message } = error as Error;
  for (const word of words) expect(message).toContain(word);
}

let probes = 0;

/** The registry still works: a success and a failure are counted, and no ticket is left behind. */
export async function expectStillWorks(h: Hystrix): Promise<void> {
  const name = `still-works-${probes++}`;
  expect(await h.do(name, () => 'ok')).toBe('ok');
  const failed = await h.go(name, () => Promise.reject(new Error('boom')));
  expect((failed as Error).message).toBe('boom');
  const s = h.getCircuit(name).circuit.stats();
  expect([s.requests, s.successes, s.failures, s.errors, s.activeCount]).toEqual([2, 1, 1, 1, 0]);
}

export interface Snapshot {
  defaults: Settings;
  settings: [string, Settings][];
}

export function snapshot(h: Hystrix): Snapshot {
  return {
    defaults: { ...h.getDefaults() },
    settings: [...h.getCircuitSettings()].map(([name, s]) => [name, { ...s }]),
  };
}

export const PROTOTYPE_KEYS = Reflect.ownKeys(Object.prototype);

/** Nothing was added to, or changed on, Object.prototype. */
export function expectPrototypeClean(): void {
  expect(Reflect.ownKeys(Object.prototype)).toEqual(PROTOTYPE_KEYS);
  const probe: Record<string, unknown> = {};
  for (const key of ['timeout', 'sleep_window', 'max_concurrent_requests', 'polluted', 'x']) {
    expect(probe[key], key).toBeUndefined();
  }
  expect(Object.getPrototypeOf(probe)).toBe(Object.prototype);
}

/** A manual clock whose `now()` returns `bad` on every `every`-th read (reads counted from 1). */
export class GlitchClock implements Clock {
  reads = 0;
  glitches = 0;
  armed = true;

  constructor(
    readonly base: ManualClock,
    readonly bad: unknown,
    readonly every: number,
    readonly phase = 0,
  ) {}

  now(): number {
    this.reads++;
    if (this.armed && this.reads % this.every === this.phase % this.every) {
      this.glitches++;
      return this.bad as number;
    }
    return this.base.now();
  }

  setTimeout(callback: () => void, ms: number): ClockTimer {
    return this.base.setTimeout(callback, ms);
  }

  clearTimeout(timer: ClockTimer): void {
    this.base.clearTimeout(timer);
  }
}
