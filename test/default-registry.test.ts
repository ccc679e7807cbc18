/**
 * One default registry per process: the built package's ESM and CommonJS entry points, and two installed copies
 * of the same version, all act on the same registry. Run in child processes against dist/ (built by `npm test`).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../src/version.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');

async function node(cwd: string, file: string, source: string): Promise<unknown> {
  writeFileSync(join(cwd, file), source);
  const { stdout } = await run(process.execPath, [file], { cwd, timeout: 20_000 });
  return JSON.parse(stdout.trim()) as unknown;
}

let scratch = '';
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'hystrix-default-'));
  // Two installed copies of the package (as two dependencies that each bring it), and the app beside them.
  for (const [dir, version] of [
    ['node_modules/hystrix-ts', VERSION],
    ['node_modules/dep/node_modules/hystrix-ts', VERSION],
    ['node_modules/other/node_modules/hystrix-ts', '9.9.9'],
  ] as const) {
    const target = join(scratch, dir);
    mkdirSync(target, { recursive: true });
    cpSync(join(ROOT, 'dist'), join(target, 'dist'), { recursive: true });
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    writeFileSync(join(target, 'package.json'), JSON.stringify({ ...pkg, version }));
    if (version !== VERSION) {
      // Another version of the code: its built-in version constant says so.
      for (const entry of ['index.js', 'index.cjs']) {
        const file = join(target, 'dist', entry);
        const code = readFileSync(file, 'utf8');
        expect(code).toContain(`VERSION = "${VERSION}"`);
        writeFileSync(file, code.replace(`VERSION = "${VERSION}"`, `VERSION = "${version}"`));
      }
    }
  }
  for (const dep of ['dep', 'other']) {
    writeFileSync(
      join(scratch, 'node_modules', dep, 'package.json'),
      JSON.stringify({ name: dep, version: '1.0.0', main: 'index.cjs' }),
    );
    writeFileSync(
      join(scratch, 'node_modules', dep, 'index.cjs'),
      "module.exports = require('hystrix-ts');\n",
    );
  }
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'app', type: 'module' }));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('the default registry', () => {
  it('VERSION is the version in package.json', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });

  it('is the same for import and require of the package: circuits made through one are seen by the other', async () => {
    const out = await node(
      scratch,
      'mixed.mjs',
      `import { createRequire } from 'node:module';
import * as esm from 'hystrix-ts';
const cjs = createRequire(import.meta.url)('hystrix-ts');
esm.configureCommand('from-esm', { timeout: 50 });
await esm.do('from-esm', () => 1);
await cjs.do('from-cjs', () => 2);
console.log(JSON.stringify({
  same: esm.defaultHystrix === cjs.defaultHystrix,
  collectors: esm.metricCollectors === cjs.metricCollectors,
  esmSees: esm.getCircuits().map((c) => c.name),
  cjsSees: cjs.getCircuits().map((c) => c.name),
  cjsTimeout: cjs.getCircuitSettings().get('from-esm')?.timeout,
}));`,
    );
    expect(out).toEqual({
      same: true,
      collectors: true,
      esmSees: ['from-esm', 'from-cjs'],
      cjsSees: ['from-esm', 'from-cjs'],
      cjsTimeout: 50,
    });
  });

  it('is the same for two installed copies of one version, and apart for another version', async () => {
    const out = await node(
      scratch,
      'copies.mjs',
      `import { createRequire } from 'node:module';
import * as app from 'hystrix-ts';
const require = createRequire(import.meta.url);
const dep = require('dep');
const other = require('other');
await dep.do('through-dep', () => 1);
await other.do('through-other', () => 1);
const sameVersionErr = await dep.go('shed', () => 1, null, { signal: AbortSignal.abort() });
console.log(JSON.stringify({
  sameCopyFiles: require.resolve('dep') !== require.resolve('hystrix-ts'),
  same: app.defaultHystrix === dep.defaultHystrix,
  otherApart: app.defaultHystrix !== other.defaultHystrix,
  appSees: app.getCircuits().map((c) => c.name),
  otherSees: other.getCircuits().map((c) => c.name),
  guardAcrossCopies: app.isContextCanceled(sameVersionErr),
}));`,
    );
    expect(out).toEqual({
      sameCopyFiles: true,
      same: true,
      otherApart: true,
      appSees: ['through-dep', 'shed'],
      otherSees: ['through-other'],
      guardAcrossCopies: true,
    });
  });
});
