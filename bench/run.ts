/**
 * npm run bench [-- --quick]: hystrix-ts against a bare call, opossum and cockatiel, in one process. Prints a
 * markdown table; a full run also writes it to bench/RESULTS.md.
 */
import { writeFileSync } from 'node:fs';
import { cpus, platform, arch } from 'node:os';
import {
  fastFailFull,
  fastFailOpen,
  idle,
  inFlight,
  retained,
  type Row,
  type Scale,
  sequential,
  sustained,
  timeouts,
} from './scenarios.js';
import { adaptiveTable } from './adaptive-table.js';
import { VARIANTS } from './variants.js';

const quick = process.argv.includes('--quick');

const scale: Scale = quick
  ? {
      rounds: 3,
      calls: (ns) => Math.max(2_000, Math.round(2.5e7 / ns)),
      sustained: { seconds: 3, first: 0.5, last: 1.25 },
      idle: { count: 10_000, watchMs: 300 },
      retainedCalls: 100_000,
      timeoutCalls: 1_000,
    }
  : {
      rounds: 9,
      calls: (ns) => Math.max(10_000, Math.round(6e7 / ns)),
      sustained: { seconds: 12, first: 2, last: 5 },
      idle: { count: 10_000, watchMs: 2000 },
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
log('warming up...');
await sequential(VARIANTS, { ...scale, rounds: 1 });
await inFlight(VARIANTS, { ...scale, rounds: 1 });
log('sequential...');
const seq = await sequential(VARIANTS, scale);
log('100 in flight...');
const par = await inFlight(VARIANTS, scale);
log('fast-fail, circuit open...');
const open = await fastFailOpen(VARIANTS, scale);
log('fast-fail, pool full...');
const full = await fastFailFull(VARIANTS, scale);
// The rate-limited and adaptive commands show what their policy costs a call: the scenarios above. The others
// measure the library at large, where it would be the default command again.
const LIBRARY = VARIANTS.filter(
  (v) => v.name !== 'hystrix-ts rate-limited' && v.name !== 'hystrix-ts adaptive',
);
log('10 % past the timeout...');
const late = await timeouts(LIBRARY, scale);
log(`sustained (${scale.sustained.seconds} s each)...`);
const sus = await sustained(LIBRARY, scale);
log('idle circuits...');
const idles = await idle(LIBRARY, scale);
log(`heap retained after ${scale.retainedCalls.toLocaleString('en-US')} calls...`);
const kept = await retained(LIBRARY, scale);

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
out.push(costRow('sequential success, ns a call', seq, true));
out.push(costRow('100 in flight, ns a call', par, true));
out.push(costRow('fast-fail, circuit open, ns a call', open, false));
out.push(costRow('fast-fail, concurrency limit full, ns a call', full, false));
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
out.push(
  susRow(
    `sustained ${scale.sustained.seconds} s: calls/s, first ${scale.sustained.first} s`,
    (s) => s.first,
  ),
);
out.push(susRow(`sustained: calls/s, last ${scale.sustained.last} s`, (s) => s.last));
out.push(susRow('sustained: last / first', (s) => s.last / s.first, 2));
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
  idleRow(`CPU with ${scale.idle.count.toLocaleString('en-US')} idle circuits, ms a second`, (s) =>
    fmt(s.cpu, 1),
  ),
);
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
out.push('');

// Targets, from the same run.
const h = (row: Row): number | undefined => row.get('hystrix-ts');
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
const keptH = kept.get('hystrix-ts')!;
const growth = (keptH.late - keptH.early) / (keptH.calls * 0.9);
targets.push([
  'heap of one busy circuit',
  'bounded',
  `${bytes(keptH.late)} after ${keptH.calls.toLocaleString('en-US')} calls, ${growth.toFixed(2)} B a call`,
  // Judged on absolute growth across nine times more calls: the collector's own noise is tens of KB.
  keptH.late - keptH.early < 256 * 1024,
]);
out.push('## Targets', '');
out.push(line(['figure', 'target', 'hystrix-ts', 'met']));
out.push(line(['---', '---', '---:', '---']));
for (const [figure, target, value, met] of targets)
  out.push(line([figure, target, value, met ? 'yes' : '**no**']));
out.push('');

// Simulated time: these figures are the same on any machine.
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

const table = out.join('\n');
process.stdout.write(`${table}\n`);
if (!quick) {
  writeFileSync(new URL('./RESULTS.md', import.meta.url), `${table}\n`);
  log('written to bench/RESULTS.md');
}
