/**
 * A flaky dependency behind a command, second by second: the circuit opens when the dependency fails, calls are
 * answered by the fallback, probes are let through after the sleep window, and the circuit closes when it
 * recovers.
 *
 *   npm run demo:terminal        # about 22 s of real time; Ctrl-C ends it
 *   npm run demo:terminal -- --simulate   # the same story on a ManualClock, printed at once
 */
import { type Clock, Hystrix, isCircuitOpen, ManualClock, systemClock } from 'hystrix-ts';

interface Phase {
  readonly name: string;
  readonly until: number; // seconds
  readonly errorRate: number;
  readonly latencyMs: number;
}

const PHASES: readonly Phase[] = [
  { name: 'healthy', until: 4, errorRate: 0.02, latencyMs: 15 },
  { name: 'failing', until: 9, errorRate: 0.9, latencyMs: 30 },
  { name: 'healthy', until: 13, errorRate: 0.02, latencyMs: 15 },
  { name: 'slow', until: 17, errorRate: 0, latencyMs: 400 },
  { name: 'healthy', until: 22, errorRate: 0.02, latencyMs: 15 },
];
const CALLS_PER_SECOND = 50;
const SECONDS = PHASES[PHASES.length - 1]!.until;

/** A small seeded generator (mulberry32), so that every run tells the same story. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(42);

/** The simulated dependency: an inventory service whose health follows the phases. */
function inventory(clock: Clock, phase: () => Phase, signal: AbortSignal): Promise<number> {
  const { errorRate, latencyMs } = phase();
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      if (random() < errorRate) reject(new Error('inventory: 503 Service Unavailable'));
      else resolve(Math.floor(random() * 100));
    }, latencyMs);
    // The timeout aborts the signal: the "request" is dropped instead of running on.
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function main(): Promise<void> {
  const simulate = process.argv.includes('--simulate');
  // A fixed start: buckets align to absolute time, so the same start gives the same story every run.
  const manual = simulate ? new ManualClock(Date.UTC(2026, 0, 1)) : undefined;
  const clock: Clock = manual ?? systemClock;
  const h = new Hystrix({
    clock,
    logger: { info: (m) => console.log(`        ${m}`), error: (m) => console.error(m) },
  });
  h.configureCommand('inventory', {
    timeout: 100,
    requestVolumeThreshold: 10,
    errorPercentThreshold: 50,
    sleepWindow: 2000,
    rollingWindow: 5000,
    rollingBuckets: 5,
  });
  const start = clock.now();
  const elapsed = (): number => (clock.now() - start) / 1000;
  const phaseAt = (seconds: number): Phase =>
    PHASES.find((p) => seconds < p.until) ?? PHASES[PHASES.length - 1]!;
  const phase = (): Phase => phaseAt(elapsed());

  let answered = 0;
  let fromFallback = 0;
  let shortCircuited = 0;
  const call = async (): Promise<void> => {
    const stock = await h.do(
      'inventory',
      (ctx) => inventory(clock, phase, ctx.signal),
      (error) => {
        fromFallback++;
        if (isCircuitOpen(error)) shortCircuited++;
        return -1; // "stock unknown": the page still renders
      },
    );
    if (stock >= 0) answered++;
  };

  console.log(
    `A flaky "inventory" service, ${CALLS_PER_SECOND} calls/s through hystrix-ts ` +
      `(timeout 100 ms, opens at 50 % errors over >= 10 requests in 5 s, sleep window 2 s).\n`,
  );
  console.log('  time  phase      circuit     answered  fallback  (short-circuit)  err%  p99 ms');
  const report = (second: number): void => {
    const { circuit } = h.getCircuit('inventory');
    const s = circuit.stats();
    console.log(
      `  ${String(second).padStart(3)}s  ${phaseAt(second - 0.5).name.padEnd(9)}  ${s.state.padEnd(9)}  ` +
        `${String(answered).padStart(8)}  ${String(fromFallback).padStart(8)}  ` +
        `${String(shortCircuited).padStart(15)}  ${String(s.errorPercent).padStart(4)}  ` +
        s.totalLatency.p99.toFixed(0).padStart(6),
    );
    answered = fromFallback = shortCircuited = 0;
  };

  const interval = 1000 / CALLS_PER_SECOND;
  if (manual) {
    for (let tick = 1; tick <= SECONDS * CALLS_PER_SECOND; tick++) {
      void call();
      await manual.advanceAsync(interval);
      if (tick % CALLS_PER_SECOND === 0) report(tick / CALLS_PER_SECOND);
    }
    h.close();
    return;
  }
  const load = setInterval(() => void call(), interval);
  let second = 0;
  const printer = setInterval(() => {
    report(++second);
    if (second >= SECONDS) stop();
  }, 1000);
  const stop = (): void => {
    clearInterval(load);
    clearInterval(printer);
    h.close();
    console.log(
      '\nDone: the circuit opened on errors and on timeouts, and closed each time it recovered.',
    );
  };
  process.once('SIGINT', () => {
    console.log('\nInterrupted.');
    stop();
  });
}

await main();
