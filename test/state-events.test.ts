/** State events: every change of every circuit, with its reason and figures; the registry's close. */
import { describe, expect, it } from 'vitest';
import type { CircuitStateChange } from '../src/index.js';
import { failOnUnhandled, flushPromises, manualHystrix } from './helpers.js';

failOnUnhandled();

const fail = (): Promise<never> => Promise.reject(new Error('down'));

describe("Hystrix.on('state')", () => {
  it('tells closed -> open -> half-open -> open -> half-open -> closed, with the reasons and figures', async () => {
    const { h, clock } = manualHystrix({
      defaults: { requestVolumeThreshold: 2, errorPercentThreshold: 50, sleepWindow: 100 },
    });
    const seen: CircuitStateChange[] = [];
    h.on('state', (e) => seen.push(e));
    await h.go('api', fail);
    await h.go('api', fail);
    await h.go('api', () => 'ok'); // admission opens the circuit
    clock.advance(101);
    await h.go('api', fail); // the probe fails
    clock.advance(101);
    await h.go('api', () => 'ok'); // the probe succeeds
    const start = 1_700_000_000_000;
    expect(seen.map((e) => [e.name, e.from, e.to, e.reason, e.at - start])).toEqual([
      ['api', 'closed', 'open', 'thresholds', 0],
      ['api', 'open', 'half-open', 'sleep-window', 101],
      ['api', 'half-open', 'open', 'probe-failed', 101],
      ['api', 'open', 'half-open', 'sleep-window', 202],
      ['api', 'half-open', 'closed', 'probes-succeeded', 202],
    ]);
    expect(seen[0]!.figures).toEqual({
      requests: 2,
      errors: 2,
      errorPercent: 100,
      slowCalls: 0,
      consecutiveFailures: 2,
    });
  });

  it('tells the rule that opened: consecutive failures, slow calls', async () => {
    const { h, clock } = manualHystrix({ defaults: { timeout: 10_000 } });
    h.configureCommand('rare', { consecutiveFailures: 2 });
    h.configureCommand('slow', { requestVolumeThreshold: 1, slowCallDuration: 10 });
    const reasons: string[] = [];
    h.on('state', (e) => reasons.push(`${e.name}: ${e.reason}`));
    await h.go('rare', fail);
    await h.go('rare', fail);
    await h.go('rare', fail);
    const call = h.go('slow', () => clock.sleep(20));
    await clock.advanceAsync(20);
    await call;
    await h.go('slow', () => 'x');
    expect(reasons).toEqual(['rare: consecutive-failures', 'slow: slow-calls']);
  });

  it('tells forcing and unforcing, and only real changes', () => {
    const { h } = manualHystrix();
    const seen: string[] = [];
    h.on('state', (e) => seen.push(`${e.from} -> ${e.to} (${e.reason})`));
    const { circuit } = h.getCircuit('api');
    circuit.forceOpen(true);
    circuit.forceOpen(true);
    circuit.forceClosed(true); // forced open wins: no visible change
    circuit.forceOpen(false);
    circuit.forceClosed(false);
    expect(seen).toEqual([
      'closed -> forced-open (forced)',
      'forced-open -> forced-closed (unforced)',
      'forced-closed -> closed (unforced)',
    ]);
  });

  it('a listener that throws or rejects is logged and isolated; the others still hear; off removes it', async () => {
    const { h, logs } = manualHystrix();
    const heard: string[] = [];
    h.on('state', () => {
      throw new Error('listener broke');
    });
    h.on('state', () => Promise.reject(new Error('async listener broke')));
    const off = h.on('state', (e) => heard.push(e.to));
    h.getCircuit('api').circuit.forceOpen(true);
    await flushPromises();
    expect(heard).toEqual(['forced-open']);
    expect(logs.filter((m) => m.includes("a 'state' listener failed"))).toEqual([
      "hystrix: a 'state' listener failed: listener broke",
      "hystrix: a 'state' listener failed: async listener broke",
    ]);
    off();
    h.getCircuit('api').circuit.forceOpen(false);
    expect(heard).toEqual(['forced-open']);
  });

  it("on('close') hears close(); bad arguments throw", async () => {
    const { h, clock } = manualHystrix();
    const closes: number[] = [];
    h.on('close', (e) => closes.push(e.at));
    await h.close();
    expect(closes).toEqual([clock.now()]);
    expect(() => h.on('open' as never, () => undefined)).toThrow(TypeError);
    expect(() => h.on('state', 'x' as never)).toThrow(TypeError);
  });
});

describe('options.timeout', () => {
  it("one call's own timeout; the command's for the others", async () => {
    const { h, clock } = manualHystrix({ defaults: { timeout: 1000 } });
    const short = h.go('api', () => clock.sleep(500), null, { timeout: 100 });
    const normal = h.go('api', () => clock.sleep(500));
    await clock.advanceAsync(100);
    expect(await short).toMatchObject({ message: 'hystrix: timeout', command: 'api' });
    await clock.advanceAsync(400);
    expect(await normal).toBeUndefined();
  });

  it('is checked like the settings', () => {
    const { h } = manualHystrix();
    expect(() => h.do('api', () => 1, null, { timeout: 0 })).toThrow(RangeError);
    expect(() => h.do('api', () => 1, null, { timeout: 1.5 })).toThrow(RangeError);
    expect(() => h.do('api', () => 1, null, { timeout: '5' as never })).toThrow(TypeError);
  });
});
