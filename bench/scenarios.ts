/**
 * The scenarios. Each runs the variants in turn, round after round, a fresh instance per round, after a warm-up
 * round, and keeps the median. Every variant has its own compiled copy of each measuring loop. Loops yield to the
 * event loop every ~1,000 calls, as a server would.
 */
import {
  cpuMicros,
  freshLoop,
  heapAfterGc,
  type Loop,
  median,
  nowNs,
  sleep,
  yieldLoop,
} from './harness.js';
import { hystrix, type Instance, type Variant, type Work } from './variants.js';

/** How hard to push. */
export interface Scale {
  /** Rounds counted (after one warm-up round). */
  rounds: number;
  /** Calls per round for a variant that costs about `nsPerCall`; slow variants get fewer, for a similar time. */
  calls(nsPerCall: number): number;
  /** Seconds of the sustained run, and the two windows compared. */
  sustained: { seconds: number; first: number; last: number };
  /** Idle instances, and how long their CPU is watched. */
  idle: { count: number; watchMs: number };
  /** Route commands of the per-command memory scenario. */
  routes: number;
  /** Calls before the retained heap is measured. */
  retainedCalls: number;
  /** Calls of the timeout scenario per round. */
  timeoutCalls: number;
}

/** What a scenario measured for each variant; undefined where the variant cannot take part. */
export type Row = Map<string, number | undefined>;

const work: Work = async () => 1;
const noop = (): undefined => undefined;

/** Rough cost per call, to size each variant's rounds alike. */
const COST: Readonly<Record<string, number>> = {
  bare: 50,
  'hystrix-ts': 250,
  'hystrix-ts rate-limited': 270,
  'hystrix-ts retry': 400,
  'hystrix-ts hedge': 450,
  'hystrix-ts adaptive': 270,
  opossum: 1000,
  'cockatiel breaker': 150,
  'cockatiel composite': 12_000,
};

/** Rough cost of a rejection. */
const REJECTION_COST: Readonly<Record<string, number>> = {
  'hystrix-ts': 250,
  'hystrix-ts rate-limited': 250,
  'hystrix-ts retry': 300,
  'hystrix-ts hedge': 300,
  'hystrix-ts adaptive': 250,
  opossum: 5000,
  'cockatiel breaker': 5000,
  'cockatiel composite': 20_000,
};

async function rounds(
  variants: readonly Variant[],
  scale: Scale,
  kind: 'sequential' | 'batch',
  one: (variant: Variant, loop: Loop) => Promise<number | undefined>,
): Promise<Row> {
  const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const loops = new Map(variants.map((v) => [v.name, freshLoop(kind)]));
  for (let round = 0; round <= scale.rounds; round++) {
    for (const variant of variants) {
      const value = await one(variant, loops.get(variant.name)!);
      if (round > 0 && value !== undefined) samples.get(variant.name)!.push(value);
    }
  }
  return new Map(
    [...samples].map(([name, xs]) => [name, xs.length === 0 ? undefined : median(xs)] as const),
  );
}

async function measure(
  instance: Instance,
  loop: Loop,
  calls: number,
  call: () => Promise<unknown>,
): Promise<number> {
  const ns = await loop(call, calls);
  instance.dispose();
  return ns;
}

/** Sequential closed-path successes: ns a call. */
export function sequential(variants: readonly Variant[], scale: Scale): Promise<Row> {
  return rounds(variants, scale, 'sequential', (variant, loop) => {
    const instance = variant.make({ limit: 10 });
    return measure(instance, loop, scale.calls(COST[variant.name]!), () => instance.call(work));
  });
}

/** 100 calls in flight at a time (`Promise.all` batches): ns a call. */
export function inFlight(variants: readonly Variant[], scale: Scale): Promise<Row> {
  return rounds(variants, scale, 'batch', (variant, loop) => {
    const instance = variant.make({ limit: 200 });
    return measure(instance, loop, scale.calls(COST[variant.name]!), () => instance.call(work));
  });
}

/** Rejections while the circuit is open: ns a call. */
export function fastFailOpen(variants: readonly Variant[], scale: Scale): Promise<Row> {
  return rounds(variants, scale, 'sequential', async (variant, loop) => {
    const instance = variant.make({ limit: 10 });
    if (instance.open === undefined) return undefined;
    instance.open();
    return measure(instance, loop, scale.calls(REJECTION_COST[variant.name]!), () =>
      instance.call(work).catch(noop),
    );
  });
}

/** Rejections while the concurrency limit is full: ns a call. */
export function fastFailFull(variants: readonly Variant[], scale: Scale): Promise<Row> {
  return rounds(variants, scale, 'sequential', async (variant, loop) => {
    const instance = variant.make({ limit: 10 });
    if (instance.fill === undefined) return undefined;
    instance.fill();
    await yieldLoop();
    return measure(instance, loop, scale.calls(REJECTION_COST[variant.name]!), () =>
      instance.call(work).catch(noop),
    );
  });
}

/** 10 % of calls run 5 ms past a 10 ms timeout, 100 in flight: CPU µs a call. */
export function timeouts(variants: readonly Variant[], scale: Scale): Promise<Row> {
  const slow: Work = () => new Promise((resolve) => setTimeout(() => resolve(1), 15));
  return rounds(variants, scale, 'batch', async (variant) => {
    if (variant.name === 'cockatiel breaker') return undefined; // no timeout to measure
    const instance = variant.make({ limit: 200, timeoutMs: 10 });
    const batches = Math.max(1, Math.round(scale.timeoutCalls / 100));
    const batch: Promise<unknown>[] = new Array<Promise<unknown>>(100);
    const cpu = cpuMicros();
    for (let b = 0; b < batches; b++) {
      for (let i = 0; i < 100; i++)
        batch[i] = instance.call(i % 10 === 0 ? slow : work).catch(noop);
      await Promise.all(batch);
    }
    const perCall = (cpuMicros() - cpu) / (batches * 100);
    instance.dispose();
    await sleep(20); // the slow calls that outlived their timeout end before the next variant runs
    return perCall;
  });
}

/** Calls a second in the first and in the last part of a long sequential run. */
export async function sustained(
  variants: readonly Variant[],
  scale: Scale,
): Promise<Map<string, { first: number; last: number }>> {
  const out = new Map<string, { first: number; last: number }>();
  const { seconds, first, last } = scale.sustained;
  for (const variant of variants) {
    const instance = variant.make({ limit: 10 });
    const loop = freshLoop('sequential');
    const call = (): Promise<number> => instance.call(work);
    const start = nowNs();
    const end = start + seconds * 1e9;
    let inFirst = 0;
    let inLast = 0;
    for (let now = start; now < end; now = nowNs()) {
      await loop(call, 1024); // one slice: 1,024 calls, then a yield
      if (now < start + first * 1e9) inFirst += 1024;
      else if (now >= end - last * 1e9) inLast += 1024;
    }
    instance.dispose();
    out.set(variant.name, { first: inFirst / first, last: inLast / last });
  }
  return out;
}

/** What the idle scenario measured for a variant. */
export interface IdleFigures {
  /** Heap per circuit, bytes. */
  heap: number;
  /** CPU while idle, ms a second. */
  cpu: number;
  /** Heap per circuit once each was called once (hystrix-ts only), bytes. */
  heapAfterCall?: number;
}

/** Many idle circuits: heap per circuit and CPU while idle. */
export async function idle(
  variants: readonly Variant[],
  scale: Scale,
): Promise<Map<string, IdleFigures>> {
  const out = new Map<string, IdleFigures>();
  const { count, watchMs } = scale.idle;
  // The names exist in the application anyway: they are made before the measurement.
  const names = Array.from({ length: count }, (_, i) => `circuit-${i}`);
  for (const variant of variants) {
    if (variant.name === 'bare') continue;
    let callAll: (() => Promise<void>) | undefined;
    let dispose: () => void;
    const h = variant.name === 'hystrix-ts' ? new hystrix.Hystrix() : undefined;
    const before = heapAfterGc();
    if (h !== undefined) {
      // One registry holding many circuits is how hystrix-ts serves many dependencies.
      for (const name of names) h.getCircuit(name);
      callAll = async () => {
        for (const name of names) await h.do(name, work);
      };
      dispose = () => void h.close();
    } else {
      const instances = Array.from({ length: count }, () => variant.make({ limit: 10 }));
      dispose = () => instances.forEach((i) => i.dispose());
    }
    const heap = (heapAfterGc() - before) / count;
    // Let the collector's background threads finish before watching the CPU.
    await sleep(200);
    const cpu0 = cpuMicros();
    await sleep(watchMs);
    const cpu = (cpuMicros() - cpu0) / 1000 / (watchMs / 1000);
    let heapAfterCall: number | undefined;
    if (callAll !== undefined) {
      await callAll();
      heapAfterCall = (heapAfterGc() - before) / count;
    }
    dispose();
    out.set(variant.name, { heap, cpu, ...(heapAfterCall === undefined ? {} : { heapAfterCall }) });
  }
  return out;
}

/** What the retained-heap scenario measured: heap after a tenth of the calls and after all. */
export interface RetainedFigures {
  calls: number;
  /** Heap retained after `calls / 10` calls, bytes. */
  early: number;
  /** Heap retained after `calls` calls, bytes. */
  late: number;
}

/**
 * Heap retained by one busy instance, after a warm-up: growth between a tenth of the calls and all of them shows
 * whether memory is bounded.
 */
export async function retained(
  variants: readonly Variant[],
  scale: Scale,
): Promise<Map<string, RetainedFigures>> {
  const out = new Map<string, RetainedFigures>();
  for (const variant of variants) {
    const instance = variant.make({ limit: 10 });
    const loop = freshLoop('sequential');
    const call = (): Promise<number> => instance.call(work);
    const calls =
      variant.name === 'cockatiel composite'
        ? Math.round(scale.retainedCalls / 10)
        : scale.retainedCalls;
    // Warm up first: compiled code and first-use allocations are not growth.
    await loop(call, calls / 5);
    const before = heapAfterGc();
    await loop(call, calls / 10);
    const early = heapAfterGc() - before;
    await loop(call, calls - calls / 10);
    const late = heapAfterGc() - before;
    instance.dispose();
    out.set(variant.name, { calls, early, late });
  }
  return out;
}

/** What the route-commands scenario measured, bytes per circuit (everything the registry holds for it). */
export interface RouteFigures {
  /** Commands measured. */
  count: number;
  /** Created, never called. */
  idle: number;
  /** Called once each (a success). */
  once: number;
  /** Busy: every latency bin of every latency bucket touched, every bucket of the counts filled. */
  busy: number;
}

/**
 * Durations (ms) that touch every bin of the latency histogram: one inside each microsecond below 16 µs, then 16
 * per power of two up to 2^32 µs (the bins' layout, from the README's "within 3.2 %").
 */
function everyBin(): number[] {
  const out: number[] = [];
  for (let us = 0; us < 16; us++) out.push((us + 0.5) / 1000);
  for (let power = 4; power < 32; power++) {
    const width = 2 ** (power - 4);
    for (let k = 0; k < 16; k++) out.push(((16 + k) * width + width / 2) / 1000);
  }
  return out;
}

/**
 * Many per-route commands (`GET /route/123`) in one registry: memory per circuit idle, after one call each, and
 * busy. Busy circuits are driven on a clock the scenario moves: calls that overlap end so that each of the 6
 * latency buckets holds a duration in every histogram bin (1 µs to 71 minutes) and the last 10 s fill every
 * bucket of the counts, as months of traffic at every latency would.
 */
export async function routes(count: number): Promise<RouteFigures> {
  let t = 1;
  const timer = { ref: () => timer, unref: () => timer };
  // Deadlines are armed but never fire: the timeout is longer than any duration the scenario makes.
  const clock = { now: () => t, setTimeout: () => timer, clearTimeout: () => undefined };
  const durations = everyBin();
  const longest = Math.max(...durations);
  const h = new hystrix.Hystrix({
    clock,
    defaults: { timeout: Math.ceil(longest) + 120_000, maxConcurrentRequests: 10_000 },
  });
  const names = Array.from({ length: count }, (_, i) => `GET /route/${i}`);
  const before = heapAfterGc();
  for (const name of names) h.getCircuit(name);
  const idle = (heapAfterGc() - before) / count;
  for (const name of names) await h.do(name, work);
  const once = (heapAfterGc() - before) / count;

  // Each circuit in turn, on a stretch of time of its own: [base, base + longest + 60 s].
  const LATENCY_BUCKET = 10_000;
  for (const name of names) {
    const base = Math.ceil((t + longest) / 60_000) * 60_000 + 60_000;
    // One call per bin per latency bucket; the last bucket's calls end over its 10 s, one group a second.
    const calls: { start: number; end: number }[] = [];
    for (let bucket = 0; bucket < 6; bucket++) {
      durations.forEach((d, i) => {
        const end = base + bucket * LATENCY_BUCKET + (bucket === 5 ? (i % 10) * 1000 : 0) + 1;
        calls.push({ start: end - d, end });
      });
    }
    calls.sort((a, b) => a.start - b.start);
    const ending = new Map<number, (() => void)[]>();
    const ends = [...new Set(calls.map((c) => c.end))].sort((a, b) => a - b);
    // Starts and ends in time order, so that the clock only moves forward.
    let next = 0;
    for (const end of ends) {
      for (; next < calls.length && calls[next]!.start < end; next++) {
        const call = calls[next]!;
        t = call.start;
        void h.do(
          name,
          () =>
            new Promise<number>((resolve) => {
              let list = ending.get(call.end);
              if (list === undefined) ending.set(call.end, (list = []));
              list.push(() => resolve(1));
            }),
        );
      }
      await yieldLoop(); // every run started so far has been called
      t = end;
      for (const resolve of ending.get(end) ?? []) resolve();
      await yieldLoop(); // the runs' outcomes are recorded at `end`
    }
  }
  const busy = (heapAfterGc() - before) / count;
  // The last circuit, read at its last call's end, shows that the scenario made what it says.
  const last = h.getCircuit(names[names.length - 1]!).circuit.stats();
  if (last.runLatency.count !== 6 * durations.length || last.requests !== durations.length) {
    throw new Error(
      `routes: the busy circuit holds ${last.runLatency.count} latencies and ${last.requests} requests`,
    );
  }
  await h.close();
  return { count, idle, once, busy };
}
