/**
 * The public face as the built package's declarations give it: internal members are absent, what the library
 * makes is read-only, and classes users never construct are types only. Compiled only against `dist/` by
 * `test/types.test.ts` (the sources still hold the internal members, for the package's own modules).
 */
import * as hystrix from 'hystrix-ts';
import type { CircuitBreaker } from 'hystrix-ts';

const result = hystrix.getCircuit('inventory');
const circuit: CircuitBreaker = result.circuit;

export function internalsAreNotPublished(): void {
  // @ts-expect-error admission is internal.
  circuit.admit(0);
  // @ts-expect-error reporting is internal.
  circuit.report(0, 0, 0, 0, 0);
  // @ts-expect-error the state's epoch is internal.
  void circuit.epoch;
  // @ts-expect-error the writable settings field is internal: read `circuitSettings`.
  void circuit.settings;
  // @ts-expect-error the default collector is read as `metricCollector`.
  void circuit.metrics;
  // @ts-expect-error tickets are the library's.
  circuit.pool.tryAcquire();
}

export function whatTheLibraryMakesIsReadOnly(): void {
  // @ts-expect-error the limit changes through configureCommand.
  circuit.pool.max = 3;
  // @ts-expect-error the pool counts its own tickets.
  circuit.pool.activeCount = 0;
  // @ts-expect-error settings are read, not replaced.
  circuit.circuitSettings = hystrix.defaultSettings;
  // @ts-expect-error the result of getCircuit is read-only.
  result.created = true;
  // @ts-expect-error settings are frozen.
  circuit.circuitSettings.timeout = 1;
}

export function typesOnly(): void {
  // @ts-expect-error circuits are made by getCircuit, not constructed.
  void new hystrix.CircuitBreaker();
  // @ts-expect-error pools are made with their circuit.
  void hystrix.ExecutorPool;
  // @ts-expect-error the registry's factories are `metricCollectors`.
  void hystrix.MetricCollectorRegistry;
  // @ts-expect-error the system clock is the `systemClock` instance.
  void hystrix.SystemClock;
  // @ts-expect-error the rolling primitives are in `hystrix-ts/rolling`.
  void hystrix.RollingNumber;
}
