/**
 * Calls that share one caller signal: one `abort` listener serves them all, so any number of calls can share a
 * signal without `MaxListenersExceededWarning`, and an abort still ends each of them.
 */
import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isContextCanceled } from '../src/index.js';
import { failOnUnhandled, flushPromises, manualHystrix, never } from './helpers.js';

failOnUnhandled();

const warnings: Error[] = [];
const onWarning = (warning: Error): void => {
  warnings.push(warning);
};
beforeEach(() => {
  warnings.length = 0;
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
});

describe("calls sharing one caller's signal", () => {
  it('50 calls in flight on one signal: one listener, no warning, and the abort ends every one', async () => {
    const { h } = manualHystrix({ defaults: { maxConcurrentRequests: 100, timeout: 60_000 } });
    const controller = new AbortController();
    const calls = Array.from({ length: 50 }, (_, i) =>
      h.go(`c${i % 3}`, () => never(), null, { signal: controller.signal }),
    );
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort(new Error('caller gone'));
    const results = await Promise.all(calls);
    for (const error of results) {
      expect(isContextCanceled(error)).toBe(true);
      expect((error as Error).cause).toEqual(new Error('caller gone'));
    }
    expect(h.getCircuit('c0').circuit.stats().contextCanceled).toBe(17);
    await flushPromises();
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('calls that end one after another on a long-lived signal add no listener each', async () => {
    const { h } = manualHystrix();
    const controller = new AbortController();
    for (let i = 0; i < 30; i++) {
      expect(await h.do('seq', () => Promise.resolve(i), null, { signal: controller.signal })).toBe(
        i,
      );
    }
    expect(getEventListeners(controller.signal, 'abort').length).toBeLessThanOrEqual(1);
    await flushPromises();
    expect(warnings).toEqual([]);
  });

  it('a call that ended is not touched by a later abort; one still running is', async () => {
    const { h } = manualHystrix({ defaults: { timeout: 60_000 } });
    const controller = new AbortController();
    let release!: (value: string) => void;
    const done = h.do('a', () => new Promise<string>((r) => (release = r)), null, {
      signal: controller.signal,
    });
    const running = h.go('b', () => never(), null, { signal: controller.signal });
    release('ok');
    expect(await done).toBe('ok');
    controller.abort();
    expect(isContextCanceled(await running)).toBe(true);
    expect(h.getCircuit('a').circuit.stats().contextCanceled).toBe(0);
    expect(h.getCircuit('a').circuit.stats().successes).toBe(1);
  });

  it('a signal made by AbortSignal.any works the same way', async () => {
    const { h } = manualHystrix({ defaults: { timeout: 60_000, maxConcurrentRequests: 20 } });
    const outer = new AbortController();
    const signal = AbortSignal.any([outer.signal]);
    const calls = Array.from({ length: 12 }, () => h.go('any', () => never(), null, { signal }));
    outer.abort();
    for (const error of await Promise.all(calls)) expect(isContextCanceled(error)).toBe(true);
    await flushPromises();
    expect(warnings).toEqual([]);
  });
});
