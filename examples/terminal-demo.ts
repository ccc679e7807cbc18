/**
 * A flaky dependency behind a command, second by second: the circuit opens when the dependency fails, calls are
 * answered by the fallback, probes are let through after the sleep window, and the circuit closes when it
 * recovers. Every state change is printed as the registry's state events tell it (`h.on('state', ...)`), with its
 * reason and the figures that decided it. A short second act shows a policy: a command with too little traffic
 * for the volume threshold opens on consecutive failures.
 *
 *   npm run demo:terminal        # about 24 s of real time; Ctrl-C ends it
 *   npm run demo:terminal -- --simulate   # the same story on a ManualClock, printed at once
 */
import {
  type CircuitStateChange,
  type Clock,
  Hystrix,
  isCircuitOpen,
  ManualClock,
  systemClock,
} from 'hystrix-ts';

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
/** The second act: a few calls, this far apart, to a dependency that is down. */
const QUIET_CALLS = 5;
const QUIET_INTERVAL_MS = 400;

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
  // Every state change of every circuit, with why it happened and what the window held at that moment.
  h.on('state', (change) => console.log(describeChange(change)));
  h.on('close', () => console.log('        close  the registry is closing'));
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

  // Ctrl-C ends whatever is under way (the load, or a pause of the second act), and nothing after it runs.
  const ctrlC = { pressed: false };
  let interrupt = (): void => undefined;
  process.once('SIGINT', () => {
    console.log('\nInterrupted.');
    ctrlC.pressed = true;
    interrupt();
  });
  const pause = (ms: number): Promise<void> =>
    manual
      ? manual.advanceAsync(ms)
      : new Promise((resolve) => {
          const timer = setTimeout(resolve, ms);
          interrupt = () => {
            clearTimeout(timer);
            resolve();
          };
        });

  const interval = 1000 / CALLS_PER_SECOND;
  if (manual) {
    for (let tick = 1; tick <= SECONDS * CALLS_PER_SECOND; tick++) {
      void call();
      await manual.advanceAsync(interval);
      if (tick % CALLS_PER_SECOND === 0) report(tick / CALLS_PER_SECOND);
    }
  } else {
    await new Promise<void>((resolve) => {
      const load = setInterval(() => void call(), interval);
      let second = 0;
      const printer = setInterval(() => {
        report(++second);
        if (second >= SECONDS) interrupt();
      }, 1000);
      interrupt = () => {
        clearInterval(load);
        clearInterval(printer);
        resolve();
      };
    });
  }
  if (!ctrlC.pressed) {
    console.log(
      '\nThe circuit opened on errors and on timeouts, and closed each time it recovered.\n',
    );
    await quietCommand(h, pause, () => ctrlC.pressed);
  }
  await h.close();
}

/** One line per state change: the circuit, from and to, the reason, and the window's figures. */
function describeChange(change: CircuitStateChange): string {
  const { requests, errors, errorPercent, consecutiveFailures } = change.figures;
  return (
    `        state  ${change.name}: ${change.from} -> ${change.to} (${change.reason}; ` +
    `${requests} requests, ${errors} errors = ${errorPercent} %, ${consecutiveFailures} failures in a row)`
  );
}

/**
 * The second act: a command called a few times a minute never reaches `requestVolumeThreshold`, so the error
 * percentage alone would never open its circuit, however dead the dependency. `consecutiveFailures` does.
 */
async function quietCommand(
  h: Hystrix,
  pause: (ms: number) => Promise<void>,
  interrupted: () => boolean,
): Promise<void> {
  h.configureCommand('exports', { consecutiveFailures: 3, sleepWindow: 60_000 });
  console.log(
    `A quiet "exports" command: ${QUIET_CALLS} calls, ${QUIET_INTERVAL_MS} ms apart, to a dependency that is ` +
      'down;\nfar below the 20 requests the error percentage needs, but consecutiveFailures: 3 opens it.\n',
  );
  for (let n = 1; n <= QUIET_CALLS && !interrupted(); n++) {
    const outcome = await h.do(
      'exports',
      () => Promise.reject(new Error('connect ECONNREFUSED')),
      (error) => (isCircuitOpen(error) ? 'short-circuited' : 'failed, fallback answered'),
    );
    console.log(`  call ${n}  ${outcome}`);
    await pause(QUIET_INTERVAL_MS);
  }
}

await main();
