/**
 * npm run bench [-- --quick] [-- --only=calls,fast-fail,timeouts,sustained,idle,retained,routes,fleet,fetch,
 * protected-routes,attempts,adaptive]: hystrix-ts
 * against a bare call, opossum and cockatiel, in one process. Prints a markdown table; a full run of every
 * scenario also writes it to bench/RESULTS.md.
 */
import { writeFileSync } from 'node:fs';
import { cpus, platform, arch } from 'node:os';
import {
  fastFailFull,
  fastFailOpen,
  idle,
  inFlight,
  retained,
  type RouteFigures,
  routes,
  type Row,
  type Scale,
  sequential,
  sustained,
  timeouts,
} from './scenarios.js';
import { adaptiveTable } from './adaptive-table.js';
import { attemptResults, attemptTable } from './attempts.js';
import { hystrix, VARIANTS } from './variants.js';
import { type HttpFigures, httpOverhead as fetchOverhead } from './fetch-overhead.js';
import { fleet } from './fleet.js';
import { type HttpRow, httpOverhead as routeOverhead } from './http.js';

const quick = process.argv.includes('--quick');
const SCENARIOS = [
  'calls',
  'fast-fail',
  'timeouts',
  'sustained',
  'idle',
  'retained',
  'routes',
  'fleet',
  'fetch',
  'protected-routes',
  'attempts',
  'adaptive',
];
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = onlyArg === undefined ? SCENARIOS : onlyArg.slice('--only='.length).split(',');
for (const name of only) {
  if (!SCENARIOS.includes(name))
    throw new Error(`unknown scenario ${name}: ${SCENARIOS.join(', ')}`);
}
const runs = (name: string): boolean => only.includes(name);
const everything = only.length === SCENARIOS.length;

const scale: Scale = quick
  ? {
      rounds: 3,
      calls: (ns) => Math.max(2_000, Math.round(2.5e7 / ns)),
      sustained: { seconds: 3, first: 0.5, last: 1.25 },
      idle: { count: 10_000, watchMs: 300 },
      routes: 1_000,
      retainedCalls: 100_000,
      timeoutCalls: 1_000,
    }
  : {
      rounds: 9,
      calls: (ns) => Math.max(10_000, Math.round(6e7 / ns)),
      sustained: { seconds: 12, first: 2, last: 5 },
      idle: { count: 10_000, watchMs: 2000 },
      routes: 10_000,
      retainedCalls: 1_000_000,
      timeoutCalls: 3_000,
    };

const names = VARIANTS.map((v) => v.name);
const log = (message: string): void => {
  process.stderr.write(`${message}\n`);
};

const fmt = (n: number | undefined, digits = 0): string =>
  n === undefined
    ? 'n/a'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (n: number | undefined, base: number | undefined): string =>
  n === undefined || base === undefined ? '' : ` (${(n / base).toFixed(1)}x)`;
const bytes = (n: number): string =>
  Math.abs(n) >= 1024 ? `${(n / 1024).toFixed(2)} KB` : `${n.toFixed(0)} B`;

function line(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function costRow(label: string, row: Row, withRatio: boolean, digits = 0): string {
  const base = row.get('bare');
  return line([
    label,
    ...names.map(
      (n) => fmt(row.get(n), digits) + (withRatio && n !== 'bare' ? ratio(row.get(n), base) : ''),
    ),
  ]);
}

const started = Date.now();
log(`hystrix-ts benchmark (${quick ? 'quick' : 'full'}), variants: ${names.join(', ')}`);
// A process's first seconds are cold for every variant (compiled code, young-generation sizing): one unmeasured
// pass of both call scenarios first, as a long-running server would have had.
const none: Row = new Map();
let seq = none;
let par = none;
if (runs('calls')) {
  log('warming up...');
  await sequential(VARIANTS, { ...scale, rounds: 1 });
  await inFlight(VARIANTS, { ...scale, rounds: 1 });
  log('sequential...');
  seq = await sequential(VARIANTS, scale);
  log('100 in flight...');
  par = await inFlight(VARIANTS, scale);
}
let open = none;
let full = none;
if (runs('fast-fail')) {
  log('fast-fail, circuit open...');
  open = await fastFailOpen(VARIANTS, scale);
  log('fast-fail, pool full...');
  full = await fastFailFull(VARIANTS, scale);
}
// The rate-limited, retrying, hedging and adaptive commands show what each option costs a call: the scenarios above. The
// others measure the library at large, where it would be the default command again.
const OPTIONS = new Set([
  'hystrix-ts rate-limited',
  'hystrix-ts retry',
  'hystrix-ts hedge',
  'hystrix-ts adaptive',
]);
const LIBRARY = VARIANTS.filter((v) => !OPTIONS.has(v.name));
let late = none;
if (runs('timeouts')) {
  log('10 % past the timeout...');
  late = await timeouts(LIBRARY, scale);
}
let sus: Awaited<ReturnType<typeof sustained>> = new Map();
if (runs('sustained')) {
  log(`sustained (${scale.sustained.seconds} s each)...`);
  sus = await sustained(LIBRARY, scale);
}
let idles: Awaited<ReturnType<typeof idle>> = new Map();
if (runs('idle')) {
  log('idle circuits...');
  idles = await idle(LIBRARY, scale);
}
let kept: Awaited<ReturnType<typeof retained>> = new Map();
if (runs('retained')) {
  log(`heap retained after ${scale.retainedCalls.toLocaleString('en-US')} calls...`);
  kept = await retained(LIBRARY, scale);
}
let route: RouteFigures | undefined;
if (runs('routes') && VARIANTS.some((v) => v.name === 'hystrix-ts')) {
  log(`${scale.routes.toLocaleString('en-US')} route commands...`);
  route = await routes(scale.routes);
}
let fleetFigures: Awaited<ReturnType<typeof fleet>> | undefined;
if (runs('fleet')) {
  log('fleet mode on Redis...');
  fleetFigures = await fleet({
    rounds: scale.rounds,
    calls: scale.calls(200),
    seconds: quick ? 2 : 5,
  });
}
// Real requests take seconds to measure: full runs only.
let http: HttpFigures | undefined;
if (runs('fetch') && !quick) {
  log('createFetch over bare fetch, local server...');
  http = await fetchOverhead(scale.rounds, 2_000);
}
let protectedRoutes: HttpRow | undefined;
if (runs('protected-routes') && !quick) {
  log('HTTP routes, bare and protected (Express, Fastify)...');
  protectedRoutes = await routeOverhead(5, 3);
}

const cpu = cpus();
const out: string[] = [];
out.push('# Benchmark results', '');
out.push(
  `Node ${process.version}, ${cpu[0]?.model.trim() ?? 'unknown CPU'} x ${cpu.length}, ${platform()} ${arch()}, ` +
    `${new Date().toISOString().slice(0, 10)}, ${quick ? 'quick run (`npm run bench -- --quick`)' : 'full run (`npm run bench`)'}, ` +
    `${((Date.now() - started) / 1000).toFixed(0)} s.`,
  '',
);
out.push(
  'Each figure is the median of the rounds; the variants run in turn, round after round, a fresh instance each, ' +
    'after a warm-up round. Ratios are to the bare call of the same run. opossum 9.0.0 with its defaults; cockatiel ' +
    '3.2.1: `circuitBreaker(handleAll, { breaker: new ConsecutiveBreaker(5) })` alone, and ' +
    '`wrap(timeout(1000, Aggressive), breaker, bulkhead(n))`. hystrix-ts with its defaults (limit raised where a ' +
    'scenario needs it).',
  '',
);
out.push(line(['scenario', ...names]));
out.push(line(['---', ...names.map(() => '---:')]));
if (runs('calls')) {
  out.push(costRow('sequential success, ns a call', seq, true));
  out.push(costRow('100 in flight, ns a call', par, true));
}
if (runs('fast-fail')) {
  out.push(costRow('fast-fail, circuit open, ns a call', open, false));
  out.push(costRow('fast-fail, concurrency limit full, ns a call', full, false));
}
if (runs('timeouts'))
  out.push(costRow('10 % of calls past a 10 ms timeout, CPU µs a call', late, true, 2));
const susRow = (
  label: string,
  pick: (s: { first: number; last: number }) => number,
  digits = 0,
): string =>
  line([
    label,
    ...names.map((n) => {
      const s = sus.get(n);
      return s === undefined ? 'n/a' : fmt(pick(s), digits);
    }),
  ]);
if (runs('sustained')) {
  out.push(
    susRow(
      `sustained ${scale.sustained.seconds} s: calls/s, first ${scale.sustained.first} s`,
      (s) => s.first,
    ),
  );
  out.push(susRow(`sustained: calls/s, last ${scale.sustained.last} s`, (s) => s.last));
  out.push(susRow('sustained: last / first', (s) => s.last / s.first, 2));
}
const idleRow = (
  label: string,
  pick: (s: { heap: number; cpu: number; heapAfterCall?: number }) => string,
): string =>
  line([
    label,
    ...names.map((n) => {
      const s = idles.get(n);
      return s === undefined ? 'n/a' : pick(s);
    }),
  ]);
if (runs('idle')) {
  out.push(
    idleRow(`heap per idle circuit (${scale.idle.count.toLocaleString('en-US')} circuits)`, (s) =>
      bytes(s.heap),
    ),
  );
  out.push(
    idleRow('heap per circuit after one call each', (s) =>
      s.heapAfterCall === undefined ? 'n/a' : bytes(s.heapAfterCall),
    ),
  );
  out.push(
    idleRow(
      `CPU with ${scale.idle.count.toLocaleString('en-US')} idle circuits, ms a second`,
      (s) => fmt(s.cpu, 1),
    ),
  );
}
if (runs('retained')) {
  out.push(
    line([
      'heap retained by one busy instance (after the calls)',
      ...names.map((n) => {
        const k = kept.get(n);
        return k === undefined ? 'n/a' : `${bytes(k.late)} (${k.calls.toLocaleString('en-US')})`;
      }),
    ]),
  );
  out.push(
    line([
      'heap growth a call, from a tenth of the calls to all',
      ...names.map((n) => {
        const k = kept.get(n);
        return k === undefined ? 'n/a' : `${((k.late - k.early) / (k.calls * 0.9)).toFixed(2)} B`;
      }),
    ]),
  );
}
if (route !== undefined) {
  const r = route;
  const routeRow = (label: string, value: number): string =>
    line([label, ...names.map((n) => (n === 'hystrix-ts' ? bytes(value) : 'n/a'))]);
  const n = r.count.toLocaleString('en-US');
  out.push(routeRow(`route commands (${n}): memory per idle circuit`, r.idle));
  out.push(routeRow(`route commands (${n}): memory per circuit called once`, r.once));
  out.push(
    routeRow(
      `route commands (${n}): memory per busy circuit (every latency bin of every bucket)`,
      r.busy,
    ),
  );
}
out.push('');

if (protectedRoutes !== undefined) {
  out.push('## A protected route', '');
  out.push(
    'A route that answers `hello`, bare and protected (`hystrix-ts/express` `protect()`, the `hystrix-ts/fastify` ' +
      'plugin; limits high enough that nothing is shed), under autocannon (32 connections, 5 s, loopback, in ' +
      'the same process as the server); the median of 3 rounds by the protected/bare ratio.',
    '',
  );
  out.push(
    line([
      'framework',
      'bare req/s',
      'protected req/s',
      'protected / bare',
      'p50 / p99 ms, bare',
      'p50 / p99 ms, protected',
    ]),
  );
  out.push(line(['---', '---:', '---:', '---:', '---:', '---:']));
  for (const [framework, figures] of protectedRoutes) {
    out.push(
      line([
        framework,
        fmt(figures.bare.requestsPerSecond),
        fmt(figures.protected.requestsPerSecond),
        (figures.protected.requestsPerSecond / figures.bare.requestsPerSecond).toFixed(2),
        `${figures.bare.p50} / ${figures.bare.p99}`,
        `${figures.protected.p50} / ${figures.protected.p99}`,
      ]),
    );
  }
  out.push('');
}
if (http !== undefined) {
  const overhead = http.wrapped - http.bare;
  const share = (overhead / http.bare) * 100;
  out.push('## HTTP client', '');
  out.push(
    `Sequential GETs to a local \`node:http\` server on kept-alive connections, ${http.requests.toLocaleString('en-US')} ` +
      'a round, bare `fetch` and `createFetch` (hystrix-ts/fetch, default options) taking turns request by request; medians of the rounds.',
    '',
  );
  out.push(line(['figure', 'bare fetch', 'createFetch', 'overhead', 'share of the request']));
  out.push(line(['---', '---:', '---:', '---:', '---:']));
  out.push(
    line([
      'ns a request',
      fmt(http.bare),
      fmt(http.wrapped),
      fmt(overhead),
      `${share.toFixed(1)} %`,
    ]),
  );
  out.push(
    line([
      'ns a call of a stub fetch (no socket)',
      fmt(http.stubBare),
      fmt(http.stubWrapped),
      fmt(http.stubWrapped - http.stubBare),
      '',
    ]),
  );
  out.push('');
}
if (fleetFigures !== undefined) {
  out.push('## Fleet mode (`hystrix-ts/redis`)', '');
  out.push(
    `One registry joined to a fleet on a local redis-server (sync interval ${fleetFigures.syncInterval} ms, one ` +
      'command), against one that is not: the sequential call, and the Redis commands the process sent a second ' +
      'while calling at a low and a high rate (the rate reached is what this machine gave).',
    '',
  );
  out.push(line(['figure', 'value']));
  out.push(line(['---', '---:']));
  out.push(line(['sequential call, not joined, ns', fmt(fleetFigures.local)]));
  out.push(line(['sequential call, joined, ns', fmt(fleetFigures.joined)]));
  for (const r of fleetFigures.rates) {
    out.push(
      line([
        `Redis commands a second at ${fmt(r.target)} calls a second (reached ${fmt(r.reached)})`,
        fmt(r.commands, 1),
      ]),
    );
  }
  out.push('');
}

// Targets, from the same run: only when every scenario ran.
const h = (row: Row): number | undefined => row.get('hystrix-ts');
if (everything) {
  const targets: [string, string, string, boolean][] = [];
  const seqRatio = h(seq)! / seq.get('bare')!;
  const parRatio = h(par)! / par.get('bare')!;
  targets.push(['closed path, sequential', '<= 3x bare', `${seqRatio.toFixed(1)}x`, seqRatio <= 3]);
  targets.push([
    'closed path, 100 in flight',
    '<= 3x bare',
    `${parRatio.toFixed(1)}x`,
    parRatio <= 3,
  ]);
  const vsOpossum = Math.min(seq.get('opossum')! / h(seq)!, par.get('opossum')! / h(par)!);
  targets.push([
    'against opossum default (worse of the two)',
    '>= 5x faster',
    `${vsOpossum.toFixed(1)}x`,
    vsOpossum >= 5,
  ]);
  const vsComposite = Math.min(
    seq.get('cockatiel composite')! / h(seq)!,
    par.get('cockatiel composite')! / h(par)!,
  );
  targets.push([
    'against cockatiel composite (worse of the two)',
    '>= 50x faster',
    `${vsComposite.toFixed(0)}x`,
    vsComposite >= 50,
  ]);
  targets.push([
    'fast-fail, circuit open',
    '<= 0.5 µs',
    `${(h(open)! / 1000).toFixed(2)} µs`,
    h(open)! <= 500,
  ]);
  targets.push([
    'fast-fail, limit full',
    '<= 0.5 µs',
    `${(h(full)! / 1000).toFixed(2)} µs`,
    h(full)! <= 500,
  ]);
  const s = sus.get('hystrix-ts')!;
  targets.push([
    'sustained: last / first',
    '>= 0.9',
    (s.last / s.first).toFixed(2),
    s.last / s.first >= 0.9,
  ]);
  const idleH = idles.get('hystrix-ts')!;
  targets.push(['heap per idle circuit', '<= 1.5 KB', bytes(idleH.heap), idleH.heap <= 1536]);
  targets.push(['CPU with idle circuits', '~0', `${fmt(idleH.cpu, 1)} ms/s`, idleH.cpu < 5]);
  if (route !== undefined) {
    targets.push([
      'route commands: memory per circuit called once',
      '<= 2 KB',
      bytes(route.once),
      route.once <= 2048,
    ]);
    targets.push([
      'route commands: memory per busy circuit',
      '<= 8 KB',
      bytes(route.busy),
      route.busy <= 8192,
    ]);
  }
  const keptH = kept.get('hystrix-ts')!;
  const growth = (keptH.late - keptH.early) / (keptH.calls * 0.9);
  targets.push([
    'heap of one busy circuit',
    'bounded',
    `${bytes(keptH.late)} after ${keptH.calls.toLocaleString('en-US')} calls, ${growth.toFixed(2)} B a call`,
    // Judged on absolute growth across nine times more calls: the collector's own noise is tens of KB.
    keptH.late - keptH.early < 256 * 1024,
  ]);
  if (fleetFigures !== undefined) {
    const fleetOverhead = fleetFigures.joined / fleetFigures.local - 1;
    const fleetCommands = fleetFigures.rates.map((r) => r.commands);
    const fleetSpread = Math.max(...fleetCommands) / Math.max(1e-9, Math.min(...fleetCommands));
    targets.push([
      'fleet: a call of a joined registry',
      'within 10 %',
      `${fmt(fleetFigures.joined)} ns vs ${fmt(fleetFigures.local)} ns (${(fleetOverhead * 100).toFixed(1)} %)`,
      fleetOverhead <= 0.1,
    ]);
    targets.push([
      'fleet: Redis commands a second, 1k vs 100k calls a second',
      'the same',
      fleetFigures.rates.map((r) => fmt(r.commands, 1)).join(' vs '),
      fleetSpread <= 1.2,
    ]);
  }
  if (http !== undefined) {
    const overhead = http.wrapped - http.bare;
    const share = (overhead / http.bare) * 100;
    targets.push([
      'createFetch over bare fetch, local request',
      '<= 2 %',
      `${share.toFixed(1)} % (${fmt(overhead)} ns)`,
      share <= 2,
    ]);
  }
  out.push('## Targets', '');
  out.push(line(['figure', 'target', 'hystrix-ts', 'met']));
  out.push(line(['---', '---', '---:', '---']));
  for (const [figure, target, value, met] of targets)
    out.push(line([figure, target, value, met ? 'yes' : '**no**']));
  out.push('');
}

// Not a speed: what retries and hedging do to the load and to callers, simulated on the ManualClock (the same
// figures on every machine).
if (runs('attempts')) {
  log('retries and hedging, simulated...');
  out.push('## Retries and hedging', '');
  out.push(
    'Made by `bench/attempts.ts` with the build (`npx tsx bench/attempts.ts` prints it from the sources); ' +
      '`test/policies/attempt-simulation.test.ts` checks the figures.',
    '',
  );
  out.push(attemptTable(await attemptResults(hystrix)), '');
}

// Simulated time: these figures are the same on any machine.
if (runs('adaptive')) {
  log('adaptive concurrency, simulated...');
  out.push('## Adaptive concurrency on a simulated dependency', '');
  out.push(
    'Produced by `bench/adaptive-table.ts` (also `npx tsx scripts/adaptive-table.ts`): a dependency under the ' +
      'ManualClock that serves 20 calls at once at 10 ms, slower beyond (10 ms x inFlight / 20, +-10 % jitter), ' +
      'calls at twice its capacity, timeout 100 ms (20 ms in the last scenario), 20 s a run, the capacity ' +
      'halving or doubling at 10 s. p99 of ' +
      'what callers waited (successes and timeouts); 11 ms at no load. See README "Adaptive concurrency".',
    '',
  );
  out.push(...(await adaptiveTable()), '');
}

const table = out.join('\n');
process.stdout.write(`${table}\n`);
if (!quick && everything) {
  writeFileSync(new URL('./RESULTS.md', import.meta.url), `${table}\n`);
  log('written to bench/RESULTS.md');
}
