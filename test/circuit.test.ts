/** The circuit's state machine beyond hystrix-go: half-open probes, forcing, read-only reads, odd clocks. */
import { describe, expect, test } from 'vitest';
import { ErrCircuitOpen, ErrMaxConcurrency, type Hystrix, type ManualClock } from '../src/index.js';
import { deferred, failOnUnhandled, manualHystrix } from './helpers.js';

failOnUnhandled();

const fail = async (): Promise<never> => {
  throw new Error('down');
};
const ok = async (): Promise<string> => 'ok';

/** Trips circuit `name` open: `volume` failures, then the admission that opens it. */
async function trip(h: Hystrix, name: string, volume: number): Promise<void> {
  for (let i = 0; i < volume; i++) await h.go(name, fail);
  expect(await h.go(name, ok)).toBeCircuitError(ErrCircuitOpen);
  expect(h.getCircuit(name).circuit.state).toBe('open');
}

function setup(config: Parameters<Hystrix['configureCommand']>[1] = {}): {
  h: Hystrix;
  clock: ManualClock;
  logs: string[];
} {
  const m = manualHystrix();
  m.h.configureCommand('c', {
    requestVolumeThreshold: 2,
    sleepWindow: 1000,
    timeout: 60_000,
    ...config,
  });
  return m;
}

describe('opening', () => {
  test('opens on the admission that finds both thresholds reached, and logs it', async () => {
    const { h, logs } = setup();
    await h.go('c', fail);
    expect(h.getCircuit('c').circuit.state).toBe('closed');
    await trip(h, 'c', 1);
    expect(logs).toContain('hystrix: opening circuit c');
  });

  test('volume reached but errors below the threshold: stays closed', async () => {
    const { h } = setup({ requestVolumeThreshold: 4, errorPercentThreshold: 50 });
    for (const run of [ok, ok, ok, fail]) await h.go('c', run);
    expect(await h.go('c', ok)).toBeUndefined();
    expect(h.getCircuit('c').circuit.state).toBe('closed');
  });

  test('reading isOpen(), allowRequest() and stats() never opens a tripped circuit', async () => {
    const { h } = setup();
    for (let i = 0; i < 2; i++) await h.go('c', fail);
    const { circuit } = h.getCircuit('c');
    expect(circuit.allowRequest()).toBe(false);
    expect(circuit.isOpen()).toBe(false);
    expect(circuit.stats().state).toBe('closed');
    expect(circuit.state).toBe('closed');
  });
});

describe('half-open', () => {
  test('after the sleep window (strictly more) exactly one probe goes through; others short-circuit', async () => {
    const { h, clock, logs } = setup();
    await trip(h, 'c', 2);
    const { circuit } = h.getCircuit('c');
    clock.advance(1000);
    expect(await h.go('c', ok)).toBeCircuitError(ErrCircuitOpen);
    clock.advance(1);
    const probe = deferred<string>();
    const probeCall = h.go('c', () => probe.promise);
    expect(circuit.state).toBe('half-open');
    expect(circuit.isOpen()).toBe(true);
    expect(logs).toContain('hystrix: allowing single test to possibly close circuit c');
    let ran = false;
    expect(
      await h.go('c', () => {
        ran = true;
      }),
    ).toBeCircuitError(ErrCircuitOpen);
    expect(ran).toBe(false);
    probe.resolve('fine');
    expect(await probeCall).toBeUndefined();
    expect(circuit.state).toBe('closed');
    expect(logs).toContain('hystrix: closing circuit c');
  });

  test('closing resets the window, so the errors that opened it cannot reopen it', async () => {
    const { h, clock } = setup();
    await trip(h, 'c', 2);
    clock.advance(1001);
    await h.go('c', ok);
    const s = h.getCircuit('c').circuit.stats();
    expect([s.requests, s.errors, s.successes]).toEqual([1, 0, 1]);
  });

  test('a failed probe reopens the circuit for another full sleep window from the failure', async () => {
    const { h, clock } = setup();
    await trip(h, 'c', 2);
    const { circuit } = h.getCircuit('c');
    clock.advance(1001);
    const probe = deferred<string>();
    const probeCall = h.go('c', () => probe.promise);
    clock.advance(300);
    probe.reject(new Error('still down'));
    await probeCall;
    expect(circuit.state).toBe('open');
    clock.advance(1000);
    expect(circuit.allowRequest()).toBe(false);
    clock.advance(1);
    expect(circuit.allowRequest()).toBe(true);
  });

  test('a timed-out probe reopens the circuit', async () => {
    const { h, clock } = setup({ timeout: 50 });
    await trip(h, 'c', 2);
    clock.advance(1001);
    const call = h.go('c', () => clock.sleep(500));
    clock.advance(50);
    await call;
    expect(h.getCircuit('c').circuit.state).toBe('open');
  });

  test('with halfOpenProbes 3, three probes go through and all three must succeed', async () => {
    const { h, clock, logs } = setup({ halfOpenProbes: 3 });
    await trip(h, 'c', 2);
    const { circuit } = h.getCircuit('c');
    clock.advance(1001);
    const probes = [deferred<string>(), deferred<string>(), deferred<string>()];
    const calls = probes.map((p) => h.go('c', () => p.promise));
    expect(logs).toContain('hystrix: allowing 3 tests to possibly close circuit c');
    expect(await h.go('c', ok)).toBeCircuitError(ErrCircuitOpen);
    probes[0]!.resolve('a');
    probes[1]!.resolve('b');
    await Promise.all(calls.slice(0, 2));
    expect(circuit.state).toBe('half-open');
    probes[2]!.resolve('c');
    await calls[2];
    expect(circuit.state).toBe('closed');
  });

  test('one failing probe among several reopens; later probe successes of that round are stale', async () => {
    const { h, clock } = setup({ halfOpenProbes: 2 });
    await trip(h, 'c', 2);
    const { circuit } = h.getCircuit('c');
    clock.advance(1001);
    const a = deferred<string>();
    const b = deferred<string>();
    const callA = h.go('c', () => a.promise);
    const callB = h.go('c', () => b.promise);
    a.reject(new Error('down'));
    await callA;
    expect(circuit.state).toBe('open');
    b.resolve('late');
    await callB;
    expect(circuit.state).toBe('open');
  });

  test('a probe whose caller aborts gives its place to another call', async () => {
    const { h, clock } = setup();
    await trip(h, 'c', 2);
    const { circuit } = h.getCircuit('c');
    clock.advance(1001);
    const controller = new AbortController();
    const first = h.go('c', () => deferred().promise, null, { signal: controller.signal });
    expect(circuit.allowRequest()).toBe(false);
    controller.abort();
    await first;
    expect(circuit.state).toBe('half-open');
    expect(await h.go('c', ok)).toBeUndefined();
    expect(circuit.state).toBe('closed');
  });

  test('a probe rejected by a full pool counts as a failed probe', async () => {
    const { h, clock } = setup({ maxConcurrentRequests: 1 });
    const hold = deferred<string>();
    const holder = h.go('c', () => hold.promise);
    // The pool is full: two rejections trip the circuit (rejections are errors).
    for (let i = 0; i < 2; i++) expect(await h.go('c', ok)).toBeCircuitError(ErrMaxConcurrency);
    expect(await h.go('c', ok)).toBeCircuitError(ErrCircuitOpen);
    const { circuit } = h.getCircuit('c');
    clock.advance(1001);
    expect(await h.go('c', ok)).toBeCircuitError(ErrMaxConcurrency);
    expect(circuit.state).toBe('open');
    expect(circuit.allowRequest()).toBe(false);
    hold.resolve('x');
    expect(await holder).toBeUndefined();
    expect(circuit.state).toBe('open');
  });
});

describe('forcing', () => {
  test('force closed lets every call through whatever the health, and the state resumes after', async () => {
    const { h } = setup();
    await trip(h, 'c', 2);
    const { circuit } = h.getCircuit('c');
    circuit.forceClosed(true);
    expect(circuit.state).toBe('closed');
    expect(circuit.isOpen()).toBe(false);
    for (let i = 0; i < 5; i++) await h.go('c', fail);
    expect(await h.go('c', ok)).toBeUndefined();
    circuit.forceClosed(false);
    expect(circuit.state).toBe('open');
  });

  test('force open wins over force closed', async () => {
    const { h } = setup();
    const { circuit } = h.getCircuit('c');
    circuit.forceClosed(true);
    circuit.forceOpen(true);
    expect(circuit.state).toBe('open');
    expect(await h.go('c', ok)).toBeCircuitError(ErrCircuitOpen);
    circuit.forceOpen(false);
    expect(await h.go('c', ok)).toBeUndefined();
    expect(circuit.stats().forcedClosed).toBe(true);
  });

  test('forcing takes booleans only', () => {
    const { h } = setup();
    const { circuit } = h.getCircuit('c');
    expect(() => circuit.forceOpen(1 as unknown as boolean)).toThrow(TypeError);
    expect(() => circuit.forceClosed('yes' as unknown as boolean)).toThrow(TypeError);
    expect(circuit.state).toBe('closed');
  });
});

describe('time that misbehaves', () => {
  test('a clock that jumps back while open does not keep the circuit open longer than a sleep window', async () => {
    const { h, clock } = setup();
    await trip(h, 'c', 2);
    clock.jump(-3_600_000);
    expect(await h.go('c', ok)).toBeCircuitError(ErrCircuitOpen);
    clock.advance(1001);
    expect(await h.go('c', ok)).toBeUndefined();
    expect(h.getCircuit('c').circuit.state).toBe('closed');
  });

  test('hours passing: the old errors are out of the window and the sleep window is over', async () => {
    const { h, clock } = setup();
    await trip(h, 'c', 2);
    clock.advance(5 * 3_600_000);
    expect(await h.go('c', ok)).toBeUndefined();
    expect(h.getCircuit('c').circuit.state).toBe('closed');
  });

  test('a wall-clock correction, forwards or backwards, changes nothing (the library follows monotonic time)', async () => {
    const { h, clock } = setup();
    await trip(h, 'c', 2);
    const before = h.getCircuit('c').circuit.stats();
    clock.jump(5 * 3_600_000);
    clock.jump(-10 * 3_600_000);
    expect(h.getCircuit('c').circuit.stats()).toEqual(before);
    expect(await h.go('c', ok)).toBeCircuitError(ErrCircuitOpen);
    clock.advance(1001);
    expect(await h.go('c', ok)).toBeUndefined();
  });

  test('time standing still: durations are 0, nothing breaks', async () => {
    const { h } = setup();
    for (let i = 0; i < 5; i++) await h.go('c', ok);
    const s = h.getCircuit('c').circuit.stats();
    expect(s.successes).toBe(5);
    expect(s.totalLatency.p100).toBe(0);
    expect(s.runLatency.mean).toBe(0);
  });
});
