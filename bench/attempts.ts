/**
 * What retries and hedging do to a dependency and to callers, simulated on the ManualClock (so the figures are the
 * same on every machine): the load a dead dependency sees, the success rate against a flaky one, and the tail
 * latency against a long-tailed one. `npm run bench` appends the table to bench/RESULTS.md;
 * `npx tsx bench/attempts.ts` prints it alone; test/policies/attempt-simulation.test.ts checks its figures.
 */
import type * as Library from '../src/index.js';

type Lib = Pick<typeof Library, 'Hystrix' | 'ManualClock'>;
type Config = Library.CommandConfig;

/** Calls a second in every simulation, for 10 s: one default rolling window. */
const RATE = 1000;
const SECONDS = 10;
export const CALLS = RATE * SECONDS;

/** A seeded random source (Park-Miller), so that every run draws the same numbers. */
export function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48_271) % 2_147_483_647;
    return s / 2_147_483_647;
  };
}

/** Lets the promise callbacks of the current instant run. */
async function drain(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

interface Run {
  /** Executions of the dependency (every attempt that ran). */
  executions: number;
  /** Calls that answered with run's value. */
  successes: number;
  /** Each call's latency in ms, as its caller saw it. */
  latencies: number[];
}

/**
 * Sends {@link CALLS} calls, one a millisecond, through a fresh registry, and runs the clock until all have
 * ended. `attempt` is one execution of the dependency: it answers 'ok' after the ms it returns, or fails after
 * them with a negative number.
 */
async function simulate(
  lib: Lib,
  config: Config,
  attempt: () => number,
  forceClosed = false,
): Promise<Run> {
  const clock = new lib.ManualClock(1_700_000_000_000);
  const h = new lib.Hystrix({ clock, random: seeded(7) });
  h.configureCommand('dep', { maxConcurrentRequests: 1000, timeout: 1000, ...config });
  if (forceClosed) h.getCircuit('dep').circuit.forceClosed(true);
  const out: Run = { executions: 0, successes: 0, latencies: [] };
  const run = (): Promise<string> => {
    out.executions++;
    const ms = attempt();
    const fails = ms < 0;
    return new Promise<string>((resolve, reject) => {
      const settle = (): void => (fails ? reject(new Error('failed')) : resolve('ok'));
      if (ms === 0) settle();
      else clock.setTimeout(settle, Math.abs(ms));
    });
  };
  let pending = CALLS;
  for (let ms = 0; pending > 0; ms++) {
    if (ms < CALLS) {
      const start = clock.now();
      void h.go('dep', run).then((error) => {
        pending--;
        if (error === undefined) out.successes++;
        out.latencies.push(clock.now() - start);
      });
    }
    await drain();
    clock.advance(1);
    await drain();
  }
  await h.close();
  return out;
}

/** The `p`th percentile (nearest rank) of `values`. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** One row of the dead-dependency figures. */
export interface DeadRow {
  readonly attempts: number;
  readonly budget: number;
  readonly executions: number;
}

/** One row of the flaky-dependency figures. */
export interface FlakyRow {
  readonly attempts: number;
  readonly budget: number;
  readonly successRate: number;
  /** 1 - 0.2^attempts: what retries would reach with no budget. */
  readonly unbounded: number;
  readonly executions: number;
}

/** One row of the long-tail figures. */
export interface TailRow {
  readonly label: string;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly executions: number;
}

/** Every figure of the table. */
export interface AttemptResults {
  readonly dead: readonly DeadRow[];
  readonly flaky: readonly FlakyRow[];
  readonly tail: readonly TailRow[];
}

/** Runs the three simulations. */
export async function attemptResults(lib: Lib): Promise<AttemptResults> {
  const dead: DeadRow[] = [];
  for (const attempts of [1, 3]) {
    // Forced closed: the budget alone bounds the load (an open circuit would shed the calls instead).
    const r = await simulate(
      lib,
      { retryAttempts: attempts, retryBackoffBase: 10 },
      () => -1,
      true,
    );
    dead.push({ attempts, budget: 10, executions: r.executions });
  }

  const flaky: FlakyRow[] = [];
  for (const [attempts, budget] of [
    [1, 10],
    [2, 10],
    [3, 10],
    [3, 30],
  ] as const) {
    const failure = seeded(11);
    const r = await simulate(
      lib,
      { retryAttempts: attempts, retryBudgetPercent: budget, retryBackoffBase: 10 },
      () => (failure() < 0.2 ? -1 : 1),
    );
    flaky.push({
      attempts,
      budget,
      successRate: r.successes / CALLS,
      unbounded: 1 - 0.2 ** attempts,
      executions: r.executions,
    });
  }

  const tail: TailRow[] = [];
  for (const [label, config] of [
    ['no hedging', {}],
    ['hedge after 20 ms', { hedgeMaxAttempts: 2, hedgeDelay: 20 }],
    ['hedge at the p95 of run latency', { hedgeMaxAttempts: 2, hedgeDelayPercentile: 95 }],
  ] as const) {
    // 98 % of executions answer in 8 to 12 ms, 2 % in 500 ms (50 x slower), each drawn afresh.
    const draw = seeded(13);
    const r = await simulate(lib, config, () => (draw() < 0.02 ? 500 : 8 + Math.floor(draw() * 5)));
    tail.push({
      label,
      p50: percentile(r.latencies, 50),
      p99: percentile(r.latencies, 99),
      p999: percentile(r.latencies, 99.9),
      executions: r.executions,
    });
  }
  return { dead, flaky, tail };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
const int = (n: number): string => n.toLocaleString('en-US');
const load = (executions: number): string =>
  `${int(executions)} (${(executions / CALLS).toFixed(3)} x)`;

/** The figures as markdown tables. */
export function attemptTable(r: AttemptResults): string {
  const out: string[] = [];
  out.push(
    `${int(CALLS)} calls, ${int(RATE)} a second, on the ManualClock with seeded random numbers; the default budget ` +
      '(10 % of the calls in the 10 s window, plus 10 a second) unless shown; backoff base 10 ms.',
    '',
    '| dead dependency (every execution fails, circuit forced closed) | executions (load) |',
    '| --- | ---: |',
  );
  for (const d of r.dead) {
    out.push(
      `| ${d.attempts} attempt${d.attempts > 1 ? 's' : ''}, budget ${d.budget} % | ${load(d.executions)} |`,
    );
  }
  out.push(
    '',
    '| 20 % flaky dependency | success rate | without a budget (1 - 0.2^k) | executions (load) |',
    '| --- | ---: | ---: | ---: |',
  );
  for (const f of r.flaky) {
    out.push(
      `| ${f.attempts} attempt${f.attempts > 1 ? 's' : ''}, budget ${f.budget} % | ${pct(f.successRate)} | ` +
        `${pct(f.unbounded)} | ${load(f.executions)} |`,
    );
  }
  out.push(
    '',
    '| long tail (2 % of executions 50 x slower: 500 ms, else 8-12 ms) | p50 ms | p99 ms | p99.9 ms | executions (load) |',
    '| --- | ---: | ---: | ---: | ---: |',
  );
  for (const t of r.tail) {
    out.push(`| ${t.label} | ${t.p50} | ${t.p99} | ${t.p999} | ${load(t.executions)} |`);
  }
  return out.join('\n');
}

// `npx tsx bench/attempts.ts`: the table alone, from the sources.
if (process.argv[1]?.endsWith('attempts.ts') === true) {
  const lib = await import('../src/index.js');
  process.stdout.write(`${attemptTable(await attemptResults(lib))}\n`);
}
