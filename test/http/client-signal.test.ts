/** The reusable caller signal of protected requests: an AbortSignal in the shape the core reads, and its pool. */
import { describe, expect, test } from 'vitest';
import { ClientSignal, returnSignal, takeSignal } from '../../src/http/inbound/client-signal.js';
import { Hystrix, isContextCanceled } from '../../src/index.js';
import { deferred } from '../helpers.js';

describe('ClientSignal', () => {
  test('abort tells each listener once, with the reason, and later aborts change nothing', () => {
    const signal = new ClientSignal();
    const heard: string[] = [];
    const a = (): void => {
      heard.push('a');
    };
    signal.addEventListener('abort', a);
    signal.addEventListener('abort', a); // the same listener twice is one listener, as on EventTarget
    signal.addEventListener('abort', () => heard.push('b'));
    const removed = (): void => {
      heard.push('removed');
    };
    signal.addEventListener('abort', removed);
    signal.removeEventListener('abort', removed);
    signal.abort('first');
    signal.abort('second');
    expect(heard).toEqual(['a', 'b']);
    expect([signal.aborted, signal.reason]).toEqual([true, 'first']);
  });

  test('a returned signal is handed out again; an aborted one never is', () => {
    const used = takeSignal();
    returnSignal(used);
    expect(takeSignal()).toBe(used);
    const spent = takeSignal();
    spent.abort('gone');
    returnSignal(spent);
    const next = takeSignal();
    expect(next).not.toBe(spent);
    expect(next.aborted).toBe(false);
  });

  test('the core takes it as a caller signal, reused call after call, and its abort cancels the call', async () => {
    const h = new Hystrix();
    const signal = takeSignal();
    const options = { signal: signal as unknown as AbortSignal };
    for (let i = 0; i < 3; i++) expect(await h.do('reused', async () => i, null, options)).toBe(i);
    const gate = deferred<undefined>();
    const call = h.do('reused', () => gate.promise, null, options).catch((error: unknown) => error);
    signal.abort('client gone');
    const error = await call;
    expect(isContextCanceled(error)).toBe(true);
    expect((error as Error).cause).toBe('client gone');
    gate.resolve(undefined);
    await h.close();
  });
});
