/**
 * The built package as users get it: ESM and CommonJS entry points through the `exports` map, the same public
 * names in both, bundled type declarations, and type guards that work across the two copies.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import ts from 'typescript';
import { beforeAll, describe, expect, test } from 'vitest';

const run = promisify(execFile);

async function node(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, args, { timeout: 20_000 });
  return stdout.trim();
}

/**
 * The public names of each entry point: `values` exist at run time (in ESM and CommonJS alike), `types` only in
 * the declarations. Adding or removing a name is a change of the API: change it here, in the API report
 * (`api/`) and in the CHANGELOG.
 */
const PUBLIC: Record<string, { values: readonly string[]; types: readonly string[] }> = {
  '.': {
    values: [
      'BadRequestError',
      'CircuitError',
      'ContextError',
      'DefaultErrorPercentThreshold',
      'DefaultFallbackTimeout',
      'DefaultHalfOpenProbes',
      'DefaultLatencyBuckets',
      'DefaultLatencyWindow',
      'DefaultMaxConcurrent',
      'DefaultMaxQueueWait',
      'DefaultMetricCollector',
      'DefaultRetryBackoffBase',
      'DefaultRetryBackoffCap',
      'DefaultRetryBudgetMinPerSecond',
      'DefaultRetryBudgetPercent',
      'DefaultRollingBuckets',
      'DefaultRollingWindow',
      'DefaultSleepWindow',
      'DefaultSlowCallPercentThreshold',
      'DefaultTimeout',
      'DefaultVolumeThreshold',
      'EVENT_TYPES',
      'ErrCircuitOpen',
      'ErrClosed',
      'ErrMaxConcurrency',
      'ErrRateLimited',
      'ErrTimeout',
      'FALLBACK_EVENT_TYPES',
      'FallbackError',
      'Hystrix',
      'LATENCY_PERCENTILES',
      'ManualClock',
      'NoopLogger',
      'close',
      'configure',
      'configureCommand',
      'defaultHystrix',
      'defaultSettings',
      'do',
      'doC',
      'doCommand',
      'flush',
      'getCircuit',
      'getCircuitSettings',
      'getCircuits',
      'go',
      'goC',
      'isBadRequestError',
      'isCircuitError',
      'isCircuitOpen',
      'isContextCanceled',
      'isContextDeadlineExceeded',
      'isContextError',
      'isFallbackError',
      'isMaxConcurrency',
      'isRateLimited',
      'isTimeout',
      'metricCollectors',
      'setDefaults',
      'setLogger',
      'systemClock',
    ],
    types: [
      'AdaptiveAlgorithm',
      'AdaptiveStats',
      'AnyCommandConfig',
      'BadRequestPredicate',
      'CircuitBreaker',
      'CircuitState',
      'CircuitStateChange',
      'CircuitStateName',
      'CircuitStats',
      'Clock',
      'ClockTimer',
      'CommandConfig',
      'CommandOptions',
      'ContextErrorCode',
      'DefaultMetricCollectorOptions',
      'EventType',
      'ExecutorPool',
      'FallbackEventType',
      'FallbackFunction',
      'FallbackTrigger',
      'FleetStats',
      'GetCircuitResult',
      'HystrixEvents',
      'HystrixGoCommandConfig',
      'HystrixListener',
      'HystrixOptions',
      'LatencyStats',
      'Logger',
      'MetricCollector',
      'MetricCollectorFactory',
      'MetricCollectorRegistry',
      'MetricResult',
      'RegistryClosed',
      'RunContext',
      'RunFunction',
      'Settings',
      'StateChangeFigures',
      'StateChangeReason',
    ],
  },
  // The helpers the package's own subpath modules share with the core: published for them, documented as not
  // part of the public API.
  './internal': {
    values: [
      'ADAPTIVE_ALGORITHMS',
      'SharedWindow',
      'TokenBucket',
      'catchRejection',
      'checkFunction',
      'checkInteger',
      'checkName',
      'describeError',
      'describeValue',
      'errorPercent',
      'safeLog',
    ],
    types: ['CircuitFleet', 'FleetCircuit', 'FleetHost', 'RateLimiter'],
  },
  './rolling': {
    values: ['RollingNumber', 'RollingTiming'],
    types: ['RollingNumberOptions', 'RollingTimingOptions', 'RollingWindowOptions', 'TimingReader'],
  },
  './stream': {
    values: [
      'HystrixStream',
      'aggregateSnapshots',
      'dashboardPage',
      'startStreamServer',
      'streamSnapshot',
    ],
    types: [
      'HostSnapshot',
      'HystrixStreamOptions',
      'StreamHandler',
      'StreamServer',
      'StreamServerOptions',
      'StreamSource',
    ],
  },
  './redis': {
    values: ['FleetSnapshots', 'joinFleet', 'keyPart'],
    types: ['Fleet', 'FleetRedisClient', 'JoinFleetOptions'],
  },
  './prometheus': {
    values: ['DEFAULT_DURATION_BUCKETS', 'registerPrometheus'],
    types: ['PrometheusExport', 'PrometheusOptions', 'PrometheusRegistry'],
  },
  './statsd': {
    values: [
      'DATADOG_METRICS',
      'DEFAULT_STATSD_BUFFER_BYTES',
      'registerDogStatsd',
      'registerStatsd',
      'sanitizeName',
    ],
    types: ['StatsdCallback', 'StatsdClient', 'StatsdExport', 'StatsdOptions'],
  },
  './graphite': {
    values: [
      'DEFAULT_GRAPHITE_INTERVAL',
      'DEFAULT_GRAPHITE_PORT',
      'DEFAULT_MAX_BUFFERED_LINES',
      'GRAPHITE_PERCENTILES',
      'TIMER_SAMPLE_SIZE',
      'registerGraphite',
      'sanitizeName',
    ],
    types: ['GraphiteExport', 'GraphiteOptions'],
  },
  './express': {
    values: ['CLIENT_CLOSED', 'protect'],
    types: ['ProtectHandler', 'ProtectOptions', 'RouteProtection'],
  },
  './fastify': {
    values: ['CLIENT_CLOSED', 'hystrixFastify'],
    types: ['HystrixFastifyOptions', 'HystrixFastifyPlugin', 'RouteProtection'],
  },
  './opentelemetry': {
    values: ['ATTR_COMMAND', 'ATTR_EVENT', 'ATTR_STATE', 'registerOpenTelemetry'],
    types: ['OpenTelemetryExport', 'OpenTelemetryOptions'],
  },
  './fetch': {
    values: [
      'HttpStatusError',
      'RetryAfterError',
      'createFetch',
      'defaultCommandName',
      'defaultIsFailureStatus',
      'isHttpStatusError',
      'isRetryAfterError',
    ],
    types: [
      'CommandNamer',
      'CreateFetchOptions',
      'HttpCall',
      'HttpCommandOptions',
      'HttpFallback',
      'HttpRequestInfo',
    ],
  },
  './undici': {
    values: [
      'HttpStatusError',
      'RetryAfterError',
      'createInterceptor',
      'defaultCommandName',
      'defaultIsFailureStatus',
      'isHttpStatusError',
      'isRetryAfterError',
    ],
    types: [
      'CommandNamer',
      'HttpCall',
      'HttpCommandOptions',
      'HttpFallback',
      'HttpRequestInfo',
      'InterceptorOptions',
    ],
  },
};

/**
 * Names of the package's own modules that must never be public: members tagged `@internal` (the circuit's
 * admission and reporting, its epoch and deadline queues, the pool's tickets) and internal helpers.
 */
const INTERNAL_MEMBERS = [
  'admit',
  'admitSlowly',
  'report',
  'reportToCollectors',
  'probeOutcome',
  'epoch',
  'runDeadlines',
  'fallbackDeadlines',
  'applySettings',
  'attach',
  'detach',
  'resetMetrics',
  'tryAcquire',
  'release',
  'reshape',
  'record',
  'requestsAt',
  'errorsAt',
  'snapshotAt',
];
const INTERNAL_EXPORTS = [
  'ADMIT',
  'PROBE',
  'SHORT',
  'SUCCESS',
  'LANE',
  'Execution',
  'readStats',
  'safeLog',
  'checkLogger',
  'describeError',
  'toError',
  'normalizeConfig',
  'resolveSettings',
  'SystemClock',
  'MonotonicClock',
  'DeadlineQueue',
  'BucketRing',
];

interface Conditions {
  import: { types: string; default: string };
  require: { types: string; default: string };
}

function exportsMap(): Map<string, Conditions> {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
    exports: Record<string, Conditions | string>;
  };
  const out = new Map<string, Conditions>();
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target !== 'string') out.set(subpath, target);
  }
  return out;
}

let declarations: { program: ts.Program; checker: ts.TypeChecker } | undefined;

/** The names a declaration file exports, split into those with a run-time value and those that are types only. */
function declaredExports(file: string): { values: string[]; types: string[] } {
  // One program for every declaration file of the package: building it is the slow part.
  declarations ??= (() => {
    const files = [...exportsMap().values()].flatMap((c) => [c.import.types, c.require.types]);
    const program = ts.createProgram(files, {
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
      noLib: true,
      types: [],
    });
    return { program, checker: program.getTypeChecker() };
  })();
  const { program, checker } = declarations;
  const source = program.getSourceFile(file);
  const module = source === undefined ? undefined : checker.getSymbolAtLocation(source);
  const values: string[] = [];
  const types: string[] = [];
  for (const symbol of module === undefined ? [] : checker.getExportsOfModule(module)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    (target.flags & ts.SymbolFlags.Value ? values : types).push(symbol.name);
  }
  return { values: values.sort(), types: types.sort() };
}

function sorted(names: readonly string[]): string[] {
  return [...names].sort();
}

beforeAll(() => {
  expect(existsSync('dist/index.js'), 'dist/ is built by `npm test` before the tests').toBe(true);
});

describe('the built package', () => {
  test('ESM: import "hystrix-ts" gives exactly the public names, and do() works', async () => {
    const out = await node([
      '--input-type=module',
      '-e',
      `import * as h from 'hystrix-ts';
       const v = await h.do('esm', async () => 41 + 1);
       console.log(JSON.stringify({ names: Object.keys(h), v, msg: h.ErrTimeout.message }));`,
    ]);
    const { names, v, msg } = JSON.parse(out) as { names: string[]; v: number; msg: string };
    expect(sorted(names)).toEqual(sorted(PUBLIC['.']!.values));
    expect(v).toBe(42);
    expect(msg).toBe('hystrix: timeout');
  });

  test('CommonJS: require("hystrix-ts") gives exactly the same names, and do() works', async () => {
    const out = await node([
      '-e',
      `const h = require('hystrix-ts');
       h.do('cjs', async () => 7).then((v) =>
         console.log(JSON.stringify({ names: Object.keys(h), v, closed: h.ErrClosed.message })));`,
    ]);
    const { names, v, closed } = JSON.parse(out) as { names: string[]; v: number; closed: string };
    expect(sorted(names)).toEqual(sorted(PUBLIC['.']!.values));
    expect(v).toBe(7);
    expect(closed).toBe('hystrix: closed');
  });

  test('guards recognise errors made by the other copy (ESM and CJS loaded together)', async () => {
    const out = await node([
      '--input-type=module',
      '-e',
      `import * as esm from 'hystrix-ts';
       import { createRequire } from 'node:module';
       const cjs = createRequire(import.meta.url)('hystrix-ts');
       const fromCjs = await cjs.go('x', async () => { throw new Error('r'); }, async () => { throw new Error('f'); });
       console.log(JSON.stringify([
         esm.ErrTimeout === cjs.ErrTimeout,
         esm.isTimeout(cjs.ErrTimeout),
         cjs.isCircuitOpen(esm.ErrCircuitOpen),
         esm.isFallbackError(fromCjs),
         esm.isCircuitError(new cjs.CircuitError('x')),
         cjs.isTimeout(esm.ErrCircuitOpen),
       ]));`,
    ]);
    expect(JSON.parse(out)).toEqual([false, true, true, true, true, false]);
  });

  test('every entry point has ESM and CommonJS declarations that declare exactly its public names', () => {
    const entries = exportsMap();
    expect(sorted([...entries.keys()])).toEqual(sorted(Object.keys(PUBLIC)));
    for (const [subpath, conditions] of entries) {
      const expected = PUBLIC[subpath]!;
      for (const file of [conditions.import.types, conditions.require.types]) {
        expect(existsSync(file), file).toBe(true);
        const declared = declaredExports(file);
        expect(declared.values, `${file}: names with a value`).toEqual(sorted(expected.values));
        expect(declared.types, `${file}: names that are types only`).toEqual(
          sorted(expected.types),
        );
      }
    }
  });

  test('nothing internal is published: no @internal member, no internal helper', () => {
    for (const [entry, conditions] of exportsMap()) {
      for (const file of [conditions.import.types, conditions.require.types]) {
        const dts = readFileSync(file, 'utf8');
        expect(dts, file).not.toMatch(/@internal/);
        for (const member of INTERNAL_MEMBERS) {
          expect(dts, `${file} declares ${member}`).not.toMatch(
            new RegExp(`^\\s+(?:readonly )?${member}\\b[(?:]`, 'm'),
          );
        }
        if (entry === './internal') continue; // its helpers are what it is for
        const declared = declaredExports(file);
        for (const name of INTERNAL_EXPORTS) {
          expect([...declared.values, ...declared.types], file).not.toContain(name);
        }
      }
    }
    // What the library makes and users only read has no constructor in the published types.
    const root = declaredExports(exportsMap().get('.')!.import.types);
    for (const name of ['CircuitBreaker', 'ExecutorPool', 'MetricCollectorRegistry']) {
      expect(root.types).toContain(name);
      expect(root.values).not.toContain(name);
    }
  });

  test('the route subpaths share one CLIENT_CLOSED, in ESM and CommonJS alike', async () => {
    const out = await node([
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module';
       import { CLIENT_CLOSED as e } from 'hystrix-ts/express';
       import { CLIENT_CLOSED as f } from 'hystrix-ts/fastify';
       const require = createRequire(import.meta.url);
       const c = require('hystrix-ts/express').CLIENT_CLOSED;
       console.log(JSON.stringify([e === f, e === c, e.message]));`,
    ]);
    expect(JSON.parse(out)).toEqual([true, true, 'the client closed the connection']);
  });

  test('every subpath loads with import and require, and shares the one copy of the core', async () => {
    const subpaths = Object.fromEntries(
      Object.entries(PUBLIC)
        .filter(([subpath]) => subpath !== '.')
        .map(([subpath, names]) => [subpath.slice(2), names.values]),
    );
    const esm = await node([
      '--input-type=module',
      '-e',
      `const out = {};
       for (const sub of ${JSON.stringify(Object.keys(subpaths))}) out[sub] = Object.keys(await import('hystrix-ts/' + sub));
       console.log(JSON.stringify(out));`,
    ]);
    const cjs = await node([
      '-e',
      `const out = {};
       for (const sub of ${JSON.stringify(Object.keys(subpaths))}) out[sub] = Object.keys(require('hystrix-ts/' + sub));
       console.log(JSON.stringify(out));`,
    ]);
    for (const loaded of [JSON.parse(esm), JSON.parse(cjs)] as Record<string, string[]>[]) {
      for (const [sub, names] of Object.entries(subpaths)) {
        expect(sorted(loaded[sub] ?? []), sub).toEqual(sorted(names));
      }
    }
    // A call made through the core shows in an export of the default registry: one registry, one core.
    const shared = await node([
      '--input-type=module',
      '-e',
      `import * as core from 'hystrix-ts';
       import { registerPrometheus } from 'hystrix-ts/prometheus';
       import { Registry } from 'prom-client';
       const registry = new Registry();
       registerPrometheus({ registry });
       await core.do('shared-core', async () => 1);
       console.log((await registry.metrics()).includes('command="shared-core"'));`,
    ]);
    expect(shared).toBe('true');
  });

  test('integrations are optional peer dependencies, never bundled', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional: boolean }>;
    };
    for (const name of ['prom-client', 'hot-shots', '@opentelemetry/api']) {
      expect(pkg.peerDependencies[name], name).toBeDefined();
      expect(pkg.peerDependenciesMeta[name]?.optional, name).toBe(true);
    }
    for (const [file, lib] of [
      ['dist/prometheus.js', 'prom-client'],
      ['dist/statsd.js', 'hot-shots'],
      ['dist/opentelemetry.js', '@opentelemetry/api'],
    ] as const) {
      const code = readFileSync(file, 'utf8');
      expect(code).toMatch(new RegExp(`from ["']${lib.replace('/', '\\/')}["']`));
      expect(code).toMatch(/from ["']hystrix-ts["']/);
      expect(code).not.toMatch(/class Hystrix\b/);
    }
  });

  test('the HTTP clients load neither undici nor a second core: undici is only a type to them', () => {
    for (const file of ['dist/fetch.js', 'dist/undici.js', 'dist/fetch.cjs', 'dist/undici.cjs']) {
      const code = readFileSync(file, 'utf8');
      expect(code, file).toMatch(/(from |require\()["']hystrix-ts["']/);
      expect(code, file).not.toMatch(/["']undici["']/);
      expect(code, file).not.toMatch(/class Hystrix\b/);
    }
  });

  test('the core has no runtime dependencies', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, unknown>;
    expect(pkg['dependencies'] ?? {}).toEqual({});
  });
});
