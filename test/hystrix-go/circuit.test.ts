/** Counterparts of hystrix-go's hystrix/circuit_test.go. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ErrCircuitOpen } from '../../src/index.js';
import { deferred, failOnUnhandled, flushPromises, manualHystrix } from '../helpers.js';

failOnUnhandled();

describe('TestGetCircuit', () => {
  test('the first call creates the circuit, the second finds it', () => {
    const { h } = manualHystrix();
    const first = h.getCircuit('foo');
    expect(first.created).toBe(true);
    const second = h.getCircuit('foo');
    expect(second.created).toBe(false);
    expect(second.circuit).toBe(first.circuit);
    expect(first.circuit.name).toBe('foo');
  });
});

describe('TestMultithreadedGetCircuit', () => {
  test('100 concurrent first uses create exactly one circuit', async () => {
    const { h } = manualHystrix();
    const created = await Promise.all(
      Array.from({ length: 100 }, async () => {
        await Promise.resolve();
        return h.getCircuit('foo').created;
      }),
    );
    expect(created.filter(Boolean)).toHaveLength(1);
    expect(h.getCircuits()).toHaveLength(1);
  });
});

describe('TestReportEventOpenThenClose', () => {
  // hystrix-go: with 100 % failing metrics, reporting a success neither opens-then-closes the circuit nor moves
  // its opening time. Here (deviations 4 and 5): recording a success never opens a circuit, and a stale success
  // from a call that started before the circuit opened does not close it or restart its sleep window.
  test('a success recorded with failing metrics does not open the circuit', async () => {
    const { h } = manualHystrix();
    h.configureCommand('x', { requestVolumeThreshold: 3 });
    const slow = deferred<number>();
    const pending = h.go('x', () => slow.promise);
    for (let i = 0; i < 3; i++) {
      await h.go('x', async () => {
        throw new Error('down');
      });
    }
    const { circuit } = h.getCircuit('x');
    expect(circuit.state).toBe('closed');
    slow.resolve(1);
    expect(await pending).toBeUndefined();
    expect(circuit.state).toBe('closed');
  });

  test('a stale success after the circuit opened leaves it open, sleep window unchanged', async () => {
    const { h, clock } = manualHystrix();
    h.configureCommand('x', { requestVolumeThreshold: 2, sleepWindow: 5000, timeout: 60_000 });
    const slow = deferred<number>();
    const pending = h.go('x', () => slow.promise);
    for (let i = 0; i < 2; i++) {
      await h.go('x', async () => {
        throw new Error('down');
      });
    }
    expect(await h.go('x', async () => 1)).toBeCircuitError(ErrCircuitOpen);
    const { circuit } = h.getCircuit('x');
    expect(circuit.state).toBe('open');
    clock.advance(3000);
    slow.resolve(1);
    expect(await pending).toBeUndefined();
    expect(circuit.state).toBe('open');
    clock.advance(2000);
    expect(circuit.allowRequest()).toBe(false);
    clock.advance(1);
    expect(circuit.allowRequest()).toBe(true);
  });
});

describe('TestReportEventMultiThreaded', () => {
  test('random concurrent outcomes and reads with tiny thresholds never throw and keep counts whole', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('reject', 'succeed', 'read', 'tick'), {
          minLength: 1,
          maxLength: 60,
        }),
        async (steps) => {
          const { h, clock } = manualHystrix();
          h.configureCommand('', {
            maxConcurrentRequests: 1,
            errorPercentThreshold: 1,
            requestVolumeThreshold: 1,
            sleepWindow: 10,
          });
          const { circuit } = h.getCircuit('');
          const calls: Promise<Error | undefined>[] = [];
          for (const step of steps) {
            if (step === 'read') {
              expect(typeof circuit.isOpen()).toBe('boolean');
              expect(typeof circuit.allowRequest()).toBe('boolean');
            } else if (step === 'tick') {
              clock.advance(7);
            } else {
              calls.push(
                h.go('', async () => {
                  await Promise.resolve();
                  if (step === 'reject') throw new Error('no');
                }),
              );
            }
          }
          await Promise.all(calls);
          await flushPromises();
          const s = circuit.stats();
          expect(s.requests).toBe(calls.length);
          expect(s.activeCount).toBe(0);
          expect(s.errorPercent).toBeLessThanOrEqual(100);
        },
      ),
      { numRuns: 100 },
    );
  });
});
