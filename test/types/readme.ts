/**
 * The README's examples, as users write them, with the types they should get. Compiled, never run, by
 * `test/types.test.ts` (against the built package) and by `npm run typecheck`.
 */
import { createServer } from 'node:http';
import { metrics } from '@opentelemetry/api';
import express from 'express';
import { Registry } from 'prom-client';
import * as hystrix from 'hystrix-ts';
import {
  type CircuitBreaker,
  type CircuitState,
  type CircuitStats,
  type ExecutorPool,
  Hystrix,
  ManualClock,
  type Settings,
} from 'hystrix-ts';
import { Agent, type Dispatcher } from 'undici';
import { createFetch, type HttpStatusError, isHttpStatusError } from 'hystrix-ts/fetch';
import { registerGraphite } from 'hystrix-ts/graphite';
import { registerOpenTelemetry } from 'hystrix-ts/opentelemetry';
import { registerPrometheus } from 'hystrix-ts/prometheus';
import { RollingNumber } from 'hystrix-ts/rolling';
import { registerDogStatsd, registerStatsd } from 'hystrix-ts/statsd';
import { HystrixStream, startStreamServer } from 'hystrix-ts/stream';
import { createInterceptor } from 'hystrix-ts/undici';
import { type Equal, type Expect, use } from './equal.js';

declare const id: string;
declare const text: string;

export async function calls(): Promise<void> {
  hystrix.configureCommand('inventory', { timeout: 300, maxConcurrentRequests: 20 });

  const stock = hystrix.do(
    'inventory',
    async ({ signal }) => {
      const res = await fetch(`http://inventory.internal/items/${id}`, { signal });
      if (!res.ok) throw new Error(`inventory: ${res.status}`);
      return (await res.json()) as { count: number };
    },
    () => ({ count: -1 }),
  );
  // A fallback of the run's shape adds nothing to the type.
  type Checks = [Expect<Equal<typeof stock, Promise<{ count: number }>>>];
  const checks: Checks | undefined = undefined;
  use(checks);
  const { count } = await stock;
  use(count);
}

export function configuration(): Map<string, Settings> {
  hystrix.configureCommand('inventory', { timeout: 300, errorPercentThreshold: 25 });
  hystrix.configure({ inventory: { timeout: 300 }, payments: { maxConcurrentRequests: 5 } });
  hystrix.configure(new Map([['inventory', { timeout: 300 }]]));
  hystrix.configure(JSON.parse(text) as Record<string, hystrix.AnyCommandConfig>);
  hystrix.configure({ payments: { max_concurrent_requests: 5 } });
  hystrix.setDefaults({ timeout: 2000 });
  // @ts-expect-error A typo is refused by the types as well as at run time.
  hystrix.configureCommand('inventory', { timeot: 300 });
  return hystrix.getCircuitSettings();
}

export function circuits(): void {
  const { circuit, created } = hystrix.getCircuit('inventory');
  const state: CircuitState = circuit.state;
  const open: boolean = circuit.isOpen() || circuit.allowRequest() || created;
  circuit.forceOpen(true);
  circuit.forceClosed(true);
  const stats: CircuitStats = circuit.stats();
  const pool: ExecutorPool = circuit.pool;
  const inFlight: number = pool.activeCount + pool.max + stats.activeCount;
  const p99: number = circuit.metricCollector.runDuration.percentile(99);
  const every: CircuitBreaker[] = hystrix.getCircuits();
  use([state, open, inFlight, p99, every]);
}

export function collectors(): () => void {
  return hystrix.metricCollectors.register((name) => ({
    update(result) {
      if (result.event !== 'success') console.warn(`${name}: ${result.event}`);
    },
    reset() {},
  }));
}

export async function registries(): Promise<void> {
  const clock = new ManualClock();
  const h = new Hystrix({ clock, logger: console, defaults: { timeout: 200 } });
  const call = h.go('slow', () => new Promise(() => {}));
  clock.advance(200);
  const error: Error | undefined = await call;
  use(error);
  await h.close();
}

export function rolling(): number {
  const perSecond = new RollingNumber({ window: 1000, buckets: 10 });
  perSecond.increment();
  return perSecond.sum();
}

export async function stream(): Promise<void> {
  const dashboard = await startStreamServer({ port: 8081 });
  console.log(`${dashboard.url}/`);
  const own = new HystrixStream();
  createServer(own.handler).listen(8081, '127.0.0.1');
  const app = express();
  app.use('/hystrix', own.handler);
}

export async function exports(): Promise<void> {
  const registry = new Registry();
  const prometheus = registerPrometheus({ registry });
  prometheus.unregister();
  const otel = registerOpenTelemetry({ meter: metrics.getMeter('my-service') });
  otel.unregister();
  const statsd = registerStatsd({ host: 'statsd.internal', port: 8125, prefix: 'myapp' });
  const datadog = registerDogStatsd({ prefix: 'myapp', globalTags: { env: 'prod' } });
  await statsd.unregister();
  await datadog.unregister();
  const graphite = registerGraphite({
    host: 'carbon.internal',
    port: 2003,
    prefix: 'myapp',
    interval: 10_000,
  });
  await graphite.unregister();
}

export async function httpClients(): Promise<void> {
  const api = createFetch({
    routes: ['/users/:id'],
    fallback: (error, call) => {
      const status = isHttpStatusError(error) ? error.status : 0;
      return new Response(JSON.stringify({ command: call.command, status }), { status: 200 });
    },
  });
  const res = await api('https://api.example.com/users/42', { method: 'GET' });
  const agent = new Agent().compose(createInterceptor({ routes: ['/users/:id'], coverBody: true }));
  type Checks = [
    Expect<Equal<typeof api, typeof fetch>>,
    Expect<Equal<typeof res, Response>>,
    Expect<Equal<HttpStatusError['retryAfter'], number | undefined>>,
    Expect<Equal<typeof agent, Dispatcher.ComposedDispatcher>>,
  ];
  const checks: Checks | undefined = undefined;
  use(checks, res);
  await agent.close();
}
