/**
 * The built package as users get it: ESM and CommonJS entry points through the `exports` map, the same public
 * names in both, bundled type declarations, and type guards that work across the two copies.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';

const run = promisify(execFile);

async function node(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, args, { timeout: 20_000 });
  return stdout.trim();
}

const NAMES = [
  'do',
  'doCommand',
  'go',
  'doC',
  'goC',
  'configure',
  'configureCommand',
  'setDefaults',
  'getCircuitSettings',
  'getCircuit',
  'getCircuits',
  'flush',
  'close',
  'setLogger',
  'metricCollectors',
  'defaultHystrix',
  'Hystrix',
  'ManualClock',
  'CircuitError',
  'ContextError',
  'FallbackError',
  'ErrCircuitOpen',
  'ErrMaxConcurrency',
  'ErrTimeout',
  'ErrClosed',
  'isCircuitError',
  'isTimeout',
  'isFallbackError',
  'DefaultMetricCollector',
  'DefaultTimeout',
];

beforeAll(() => {
  expect(existsSync('dist/index.js'), 'dist/ is built by `npm test` before the tests').toBe(true);
});

describe('the built package', () => {
  test('ESM: import "hystrix-ts" gives every public name, and do() works', async () => {
    const out = await node([
      '--input-type=module',
      '-e',
      `import * as h from 'hystrix-ts';
       const v = await h.do('esm', async () => 41 + 1);
       console.log(JSON.stringify({ names: Object.keys(h), v, msg: h.ErrTimeout.message }));`,
    ]);
    const { names, v, msg } = JSON.parse(out) as { names: string[]; v: number; msg: string };
    expect(names).toEqual(expect.arrayContaining(NAMES));
    expect(v).toBe(42);
    expect(msg).toBe('hystrix: timeout');
  });

  test('CommonJS: require("hystrix-ts") gives the same names, and do() works', async () => {
    const out = await node([
      '-e',
      `const h = require('hystrix-ts');
       h.do('cjs', async () => 7).then((v) =>
         console.log(JSON.stringify({ names: Object.keys(h), v, closed: h.ErrClosed.message })));`,
    ]);
    const { names, v, closed } = JSON.parse(out) as { names: string[]; v: number; closed: string };
    expect(names).toEqual(expect.arrayContaining(NAMES));
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

  test('type declarations are bundled for both entry points and declare every name', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      exports: Record<string, { import: { types: string }; require: { types: string } }>;
    };
    const root = pkg.exports['.']!;
    for (const file of [root.import.types, root.require.types]) {
      expect(existsSync(file), file).toBe(true);
      const dts = readFileSync(file, 'utf8');
      for (const name of NAMES)
        expect(dts, `${file} declares ${name}`).toMatch(new RegExp(`\\b${name}\\b`));
      expect(dts).toMatch(/doCommand as do\b/);
    }
  });

  test('every subpath loads with import and require, and shares the one copy of the core', async () => {
    const subpaths = {
      stream: ['HystrixStream', 'startStreamServer', 'dashboardPage'],
      rolling: ['RollingNumber', 'RollingTiming'],
      prometheus: ['registerPrometheus'],
      opentelemetry: ['registerOpenTelemetry'],
      statsd: ['registerStatsd', 'registerDogStatsd'],
      graphite: ['registerGraphite'],
    };
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
        expect(loaded[sub], sub).toEqual(expect.arrayContaining(names));
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

  test('the core has no runtime dependencies', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, unknown>;
    expect(pkg['dependencies'] ?? {}).toEqual({});
  });
});
