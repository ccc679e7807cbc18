/**
 * The contenders, each able to make a fresh instance for a round: a bare call, hystrix-ts (its build, as users
 * run it), opossum with its defaults, cockatiel's breaker alone, and cockatiel's timeout + breaker + bulkhead.
 */
import {
  bulkhead,
  circuitBreaker,
  ConsecutiveBreaker,
  handleAll,
  timeout,
  TimeoutStrategy,
  wrap,
} from 'cockatiel';
import CircuitBreaker from 'opossum';
import type * as Library from '../src/index.js';

// The build is loaded by path at run time: the benchmark measures what users run, and type-checking does not
// depend on dist/ existing.
const built = '../dist/index.js';
export const hystrix = (await import(built)) as typeof Library;

/** The protected function: async, returns a number. */
export type Work = () => Promise<number>;

/** One instance of a contender: how to call through it, and how to put it in a state. */
export interface Instance {
  /** Calls `work` through the contender. */
  call(work: Work): Promise<number>;
  /** Opens its circuit, or undefined when it has none. */
  open?(): void;
  /** Fills its concurrency limit with calls that never end, or undefined when it has no limit. */
  fill?(): void;
  /** Releases whatever it holds (timers, intervals). */
  dispose(): void;
}

/** A contender: makes instances. */
export interface Variant {
  readonly name: string;
  /** @param limit - the concurrency limit the scenario needs; @param timeoutMs - a timeout, when it has one. */
  make(options: { limit: number; timeoutMs?: number }): Instance;
}

const never = (): Promise<number> => new Promise<number>(() => undefined);

export const bare: Variant = {
  name: 'bare',
  make: () => ({ call: (work) => work(), dispose() {} }),
};

export const hystrixTs: Variant = hystrixVariant('hystrix-ts', {});

/**
 * The same command with a token-bucket rate limit that never sheds (a rate and burst no scenario reaches): what
 * the rate limit costs the closed path.
 */
export const hystrixTsRateLimited: Variant = hystrixVariant('hystrix-ts rate-limited', {
  maxRequestsPerSecond: 1_000_000_000,
  burst: 1_000_000_000,
});

/**
 * The same command with 3 attempts a call and a work that always succeeds: what a call pays for retries being
 * on (the call above its executions, the budget's count), when nothing is retried.
 */
export const hystrixTsRetry: Variant = hystrixVariant('hystrix-ts retry', { retryAttempts: 3 });

/**
 * The same command with a hedge after 1 s, which no scenario's work reaches: what a call pays for hedging being
 * on (the call above its executions, its hedge delay's entry in a deadline queue), when no hedge is sent.
 */
export const hystrixTsHedge: Variant = hystrixVariant('hystrix-ts hedge', {
  hedgeMaxAttempts: 2,
  hedgeDelay: 1000,
});

/**
 * The same command with an adaptive limit (Gradient2) whose bounds are both the scenario's limit, so that it never
 * sheds: what feeding the algorithm a sample costs each call.
 */
export const hystrixTsAdaptive: Variant = {
  name: 'hystrix-ts adaptive',
  make: (options) =>
    hystrixInstance(
      { adaptiveConcurrency: 'gradient2', minConcurrentRequests: options.limit },
      options,
    ),
};

function hystrixVariant(name: string, policies: Library.CommandConfig): Variant {
  return { name, make: (options) => hystrixInstance(policies, options) };
}

function hystrixInstance(
  policies: Library.CommandConfig,
  { limit, timeoutMs }: { limit: number; timeoutMs?: number },
): Instance {
  const h = new hystrix.Hystrix();
  h.configureCommand('bench', {
    ...policies,
    maxConcurrentRequests: limit,
    ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
  });
  return {
    call: (work) => h.do('bench', work),
    open: () => h.getCircuit('bench').circuit.forceOpen(true),
    fill: () => {
      for (let i = 0; i < limit; i++) void h.go('bench', never);
    },
    dispose: () => void h.close(),
  };
}

export const opossum: Variant = {
  name: 'opossum',
  make({ limit, timeoutMs }) {
    // Defaults, but for the limit and timeout a scenario sets (opossum: `capacity`, `timeout`).
    let work: Work = () => Promise.resolve(0);
    const breaker = new CircuitBreaker(() => work(), {
      capacity: limit,
      ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
    });
    return {
      call: (w) => {
        work = w;
        return breaker.fire();
      },
      open: () => breaker.open(),
      fill: () => {
        work = never;
        for (let i = 0; i < limit; i++) breaker.fire().catch(() => undefined);
      },
      dispose: () => breaker.shutdown(),
    };
  },
};

function newBreaker(): ReturnType<typeof circuitBreaker> {
  return circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });
}

export const cockatielBreaker: Variant = {
  name: 'cockatiel breaker',
  make() {
    const breaker = newBreaker();
    let isolation: { dispose(): void } | undefined;
    return {
      call: (work) => breaker.execute(work),
      open: () => {
        isolation = breaker.isolate();
      },
      dispose: () => isolation?.dispose(),
    };
  },
};

export const cockatielComposite: Variant = {
  name: 'cockatiel composite',
  make({ limit, timeoutMs }) {
    const breaker = newBreaker();
    const policy = wrap(
      timeout(timeoutMs ?? 1000, TimeoutStrategy.Aggressive),
      breaker,
      bulkhead(limit),
    );
    let isolation: { dispose(): void } | undefined;
    return {
      call: (work) => policy.execute(work),
      open: () => {
        isolation = breaker.isolate();
      },
      fill: () => {
        for (let i = 0; i < limit; i++) policy.execute(never).catch(() => undefined);
      },
      dispose: () => isolation?.dispose(),
    };
  },
};

const ALL: readonly Variant[] = [
  bare,
  hystrixTs,
  hystrixTsRateLimited,
  hystrixTsRetry,
  hystrixTsHedge,
  hystrixTsAdaptive,
  opossum,
  cockatielBreaker,
  cockatielComposite,
];

/** The variants to run: all, or those named in BENCH_ONLY (comma-separated), for investigating one. */
export const VARIANTS: readonly Variant[] = ((): readonly Variant[] => {
  const only = process.env['BENCH_ONLY'];
  if (only === undefined || only === '') return ALL;
  const wanted = only.split(',').map((n) => n.trim());
  return ALL.filter((v) => wanted.includes(v.name));
})();
