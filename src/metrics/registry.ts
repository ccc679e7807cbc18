import type { MetricCollectorFactory } from './metric-result.js';

/** @internal What a registry tells its owner. */
export interface RegistryListener {
  added(factory: MetricCollectorFactory): void;
  removed(factory: MetricCollectorFactory): void;
}

/**
 * The collector factories of one `Hystrix` (hystrix-go's `metricCollector.Registry`), `metricCollectors`. Every
 * circuit gets the default collector first, then one collector from each factory. Unlike hystrix-go, a factory
 * registered after a circuit exists is attached to that circuit too.
 */
export interface MetricCollectorRegistry {
  /**
   * Adds a factory, called once for every circuit, those that exist included. Returns a function that removes
   * it again and detaches its collectors. A factory registered twice still makes one collector a circuit, and
   * stays until both registrations are removed.
   */
  register(factory: MetricCollectorFactory): () => void;
  /** The registered factories, in order (the default collector is not among them: it is always first). */
  list(): readonly MetricCollectorFactory[];
}

/** @internal The collector factories of one registry, telling it of each change. */
export class CollectorRegistry implements MetricCollectorRegistry {
  private readonly factories: MetricCollectorFactory[] = [];

  /** @internal */
  constructor(private readonly listener: RegistryListener) {}

  /**
   * Adds a factory, called once for every circuit, those that exist included. Returns a function that removes
   * it again and detaches its collectors. A factory registered twice still makes one collector a circuit, and
   * stays until both registrations are removed.
   */
  register(factory: MetricCollectorFactory): () => void {
    if (typeof factory !== 'function') {
      throw new TypeError(
        'register(factory): factory must be a function (name) => MetricCollector',
      );
    }
    this.factories.push(factory);
    this.listener.added(factory);
    let registered = true;
    return () => {
      if (!registered) return;
      registered = false;
      const i = this.factories.indexOf(factory);
      if (i >= 0) this.factories.splice(i, 1);
      // A factory registered twice serves each circuit once; it leaves only with its last registration.
      if (!this.factories.includes(factory)) this.listener.removed(factory);
    };
  }

  /** The registered factories, in order (the default collector is not among them: it is always first). */
  list(): readonly MetricCollectorFactory[] {
    return [...this.factories];
  }
}
