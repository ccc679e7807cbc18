/** ManualClock: the time and timers that drive every other test. */
import { describe, expect, test } from 'vitest';
import { ManualClock } from '../src/manual-clock.js';
import { flushPromises } from './helpers.js';

const START = 1_700_000_000_000;

describe('now', () => {
  test('starts at the given wall time (0 by default) and stands still until told', () => {
    expect(new ManualClock().now()).toBe(0);
    const clock = new ManualClock(START);
    expect(clock.now()).toBe(START);
    expect(clock.now()).toBe(START);
    clock.advance(250);
    expect(clock.now()).toBe(START + 250);
    clock.advance(0);
    expect(clock.now()).toBe(START + 250);
  });

  test('a bad start throws RangeError', () => {
    expect(() => new ManualClock(Number.NaN)).toThrow(RangeError);
    expect(() => new ManualClock(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(new ManualClock(-5).now()).toBe(-5);
  });
});

describe('advance', () => {
  test('fires timers in due order, each at its own time', () => {
    const clock = new ManualClock(START);
    const fired: [string, number][] = [];
    const at = (name: string) => () => fired.push([name, clock.now()]);
    clock.setTimeout(at('c'), 30);
    clock.setTimeout(at('a'), 10);
    clock.setTimeout(at('b'), 20);
    clock.setTimeout(at('late'), 101);
    clock.advance(100);
    expect(fired).toEqual([
      ['a', START + 10],
      ['b', START + 20],
      ['c', START + 30],
    ]);
    expect(clock.now()).toBe(START + 100);
    clock.advance(1);
    expect(fired.at(-1)).toEqual(['late', START + 101]);
  });

  test('timers due at the same time fire in the order they were armed', () => {
    const clock = new ManualClock();
    const fired: number[] = [];
    for (let i = 0; i < 5; i++) clock.setTimeout(() => fired.push(i), 7);
    clock.setTimeout(() => fired.push(-1), 3);
    clock.advance(7);
    expect(fired).toEqual([-1, 0, 1, 2, 3, 4]);
  });

  test('a timer is due after exactly its delay, not before', () => {
    const clock = new ManualClock(START);
    let fired = 0;
    clock.setTimeout(() => fired++, 50);
    clock.advance(49.999);
    expect(fired).toBe(0);
    clock.advance(0.001);
    expect(fired).toBe(1);
  });

  test('a delay below 1 or NaN counts as 1 ms, as with Node timers', () => {
    const clock = new ManualClock(START);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), 0);
    clock.setTimeout(() => fired.push(clock.now()), -10);
    clock.setTimeout(() => fired.push(clock.now()), Number.NaN);
    clock.advance(0);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([START + 1, START + 1, START + 1]);
  });

  test('timers armed inside a callback that fall within the advance fire too, on time', () => {
    const clock = new ManualClock(START);
    const fired: [string, number][] = [];
    clock.setTimeout(() => {
      fired.push(['outer', clock.now()]);
      clock.setTimeout(() => fired.push(['inner', clock.now()]), 15);
      clock.setTimeout(() => fired.push(['next', clock.now()]), 0);
      clock.setTimeout(() => fired.push(['beyond', clock.now()]), 100);
    }, 10);
    clock.setTimeout(() => fired.push(['other', clock.now()]), 20);
    clock.advance(30);
    expect(fired).toEqual([
      ['outer', START + 10],
      ['next', START + 11],
      ['other', START + 20],
      ['inner', START + 25],
    ]);
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(80);
    expect(fired.at(-1)).toEqual(['beyond', START + 110]);
  });

  test('a timer that re-arms itself fires once per period', () => {
    const clock = new ManualClock(0);
    const ticks: number[] = [];
    const tick = (): void => {
      ticks.push(clock.now());
      clock.setTimeout(tick, 100);
    };
    clock.setTimeout(tick, 100);
    clock.advance(450);
    expect(ticks).toEqual([100, 200, 300, 400]);
  });

  test('advance(-1), advance(NaN) throw RangeError; advance("1") TypeError', () => {
    const clock = new ManualClock(START);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => clock.advance('1' as unknown as number)).toThrow(TypeError);
    expect(() => clock.jump(Number.NaN)).toThrow(RangeError);
    expect(() => clock.jump('1' as unknown as number)).toThrow(TypeError);
    expect(clock.now()).toBe(START);
  });

  test('a timer armed with a NaN delay does not hold back the timers armed after it', () => {
    // Node's setTimeout runs a NaN delay as 1 ms; a clock may also refuse it, but must not stall.
    const clock = new ManualClock(START);
    const fired: string[] = [];
    try {
      clock.setTimeout(() => fired.push('nan'), Number.NaN);
    } catch (error: unknown) {
      expect(error).toBeInstanceOf(RangeError);
    }
    clock.setTimeout(() => fired.push('five'), 5);
    clock.advance(10);
    expect(fired).toContain('five');
  });
});

describe('clearTimeout', () => {
  test('a cleared timer never fires; clearing twice or after firing does nothing', () => {
    const clock = new ManualClock(START);
    const fired: string[] = [];
    const a = clock.setTimeout(() => fired.push('a'), 10);
    const b = clock.setTimeout(() => fired.push('b'), 20);
    clock.clearTimeout(a);
    clock.clearTimeout(a);
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(30);
    expect(fired).toEqual(['b']);
    clock.clearTimeout(b);
    expect(clock.pendingTimers()).toBe(0);
  });

  test('a callback can clear a timer due later in the same advance', () => {
    const clock = new ManualClock(START);
    const fired: string[] = [];
    const later = clock.setTimeout(() => fired.push('later'), 20);
    clock.setTimeout(() => {
      fired.push('first');
      clock.clearTimeout(later);
    }, 10);
    clock.advance(30);
    expect(fired).toEqual(['first']);
  });

  test('a timer of another clock or of Node is ignored', () => {
    const clock = new ManualClock(START);
    const other = new ManualClock(START);
    let fired = 0;
    const foreign = other.setTimeout(() => fired++, 5);
    clock.setTimeout(() => fired++, 5);
    clock.clearTimeout(foreign);
    clock.clearTimeout({ ref: () => undefined, unref: () => undefined });
    clock.advance(5);
    other.advance(5);
    expect(fired).toBe(2);
  });
});

describe('jump', () => {
  test('moves now() but not the timers', () => {
    const clock = new ManualClock(START);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), 100);
    clock.jump(500);
    expect(clock.now()).toBe(START + 500);
    expect(fired).toEqual([]);
    clock.jump(-800);
    expect(clock.now()).toBe(START - 300);
    clock.advance(99);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([START - 200]);
    expect(clock.now()).toBe(START - 200);
  });
});

describe('advanceAsync', () => {
  test('lets promise callbacks run between timers: two sleeps of 10 end within 20', async () => {
    const clock = new ManualClock(START);
    const steps: number[] = [];
    const run = (async () => {
      await clock.sleep(10);
      steps.push(clock.now());
      await clock.sleep(10);
      steps.push(clock.now());
      return 'done';
    })();
    await clock.advanceAsync(20);
    expect(steps).toEqual([START + 10, START + 20]);
    expect(await run).toBe('done');
    expect(clock.now()).toBe(START + 20);
  });

  test('advance() alone does not: the second sleep is armed only after it returns', async () => {
    const clock = new ManualClock(START);
    const steps: number[] = [];
    void (async () => {
      await clock.sleep(10);
      steps.push(clock.now());
      await clock.sleep(10);
      steps.push(clock.now());
    })();
    clock.advance(20);
    await flushPromises();
    expect(steps).toEqual([START + 20]);
    clock.advance(10);
    await flushPromises();
    expect(steps).toEqual([START + 20, START + 30]);
  });

  test('bad arguments reject like advance throws', async () => {
    const clock = new ManualClock(START);
    await expect(clock.advanceAsync(-1)).rejects.toThrow(RangeError);
    await expect(clock.advanceAsync(Number.NaN)).rejects.toThrow(RangeError);
    await expect(clock.advanceAsync('1' as unknown as number)).rejects.toThrow(TypeError);
  });
});

describe('sleep', () => {
  test('resolves when the clock has advanced by the delay, not before', async () => {
    const clock = new ManualClock(START);
    let resolved = false;
    const slept = clock.sleep(50).then(() => {
      resolved = true;
    });
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(49);
    await flushPromises();
    expect(resolved).toBe(false);
    clock.advance(1);
    await slept;
    expect(resolved).toBe(true);
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('pendingTimers and refedTimers', () => {
  test('count armed timers, and those not unref()ed', () => {
    const clock = new ManualClock(START);
    expect([clock.pendingTimers(), clock.refedTimers()]).toEqual([0, 0]);
    const a = clock.setTimeout(() => undefined, 10);
    const b = clock.setTimeout(() => undefined, 20);
    expect([clock.pendingTimers(), clock.refedTimers()]).toEqual([2, 2]);
    expect(a.unref()).toBe(a);
    expect([clock.pendingTimers(), clock.refedTimers()]).toEqual([2, 1]);
    b.unref();
    expect([clock.pendingTimers(), clock.refedTimers()]).toEqual([2, 0]);
    expect(b.ref()).toBe(b);
    expect([clock.pendingTimers(), clock.refedTimers()]).toEqual([2, 1]);
    clock.advance(10);
    expect([clock.pendingTimers(), clock.refedTimers()]).toEqual([1, 1]);
    clock.clearTimeout(b);
    expect([clock.pendingTimers(), clock.refedTimers()]).toEqual([0, 0]);
  });

  test('an unref()ed timer still fires', () => {
    const clock = new ManualClock(START);
    let fired = 0;
    clock.setTimeout(() => fired++, 10).unref();
    clock.advance(10);
    expect(fired).toBe(1);
  });
});
