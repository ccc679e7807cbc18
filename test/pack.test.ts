/**
 * The package as `npm pack` makes it from a checkout without dist/: the tarball is built on pack, holds the build
 * and no sources, and installs into consumer projects that import every subpath of the `exports` map with ESM,
 * CommonJS and TypeScript (node16, bundler and node10 resolution). The subpaths are read from package.json, so
 * a new one is covered here without a change to this file.
 */
import { execFile } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const exec = promisify(execFile);
const repo = resolve(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface Manifest {
  readonly name: string;
  readonly exports: Readonly<Record<string, unknown>>;
  readonly peerDependencies: Readonly<Record<string, string>>;
}
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as Manifest;

/** Every importable specifier: the package name and each subpath of `exports` but ./package.json. */
const specifiers = Object.keys(manifest.exports)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`));

/** Every file the `exports` map points at, whatever the conditions. */
function targets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(targets);
  return [];
}

let scratch = '';
let tarball = '';
let consumer = '';
let entries: string[] = [];

async function run(
  file: string,
  args: readonly string[],
  cwd: string,
): Promise<{ stdout: string; stderr: string }> {
  // The consumer must not inherit the settings of an `npm test` that runs this file.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')),
  );
  return exec(file, args, { cwd, env, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 });
}

/** A copy of the working tree as a fresh clone has it: files git tracks or would track, so no dist/. */
async function checkout(into: string): Promise<void> {
  const { stdout } = await run(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    repo,
  );
  for (const file of stdout.split('\0')) {
    if (file === '' || file.startsWith('node_modules/')) continue;
    mkdirSync(dirname(join(into, file)), { recursive: true });
    try {
      cpSync(join(repo, file), join(into, file));
    } catch (error: unknown) {
      // A file deleted in the working tree but not yet in git's index is not part of the checkout.
      if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
    }
  }
  symlinkSync(join(repo, 'node_modules'), join(into, 'node_modules'), 'dir');
}

/** Links a package of the repository's node_modules into the consumer's (optional peers, typescript). */
function link(name: string): void {
  const to = join(consumer, 'node_modules', name);
  mkdirSync(dirname(to), { recursive: true });
  symlinkSync(join(repo, 'node_modules', name), to, 'dir');
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'hystrix-ts-pack-'));
  const source = join(scratch, 'checkout');
  const packed = join(scratch, 'packed');
  consumer = join(scratch, 'consumer');
  for (const dir of [source, packed, consumer]) mkdirSync(dir);

  await checkout(source);
  await run(npm, ['pack', '--pack-destination', packed, '--silent'], source);
  const [file] = readdirSync(packed).filter((f) => f.endsWith('.tgz'));
  expect(file, 'npm pack wrote a tarball').toBeDefined();
  tarball = join(packed, file!);
  entries = (await run('tar', ['-tzf', tarball], scratch)).stdout.split('\n').filter(Boolean);

  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  await run(npm, ['install', '--offline', '--no-audit', '--no-fund', tarball], consumer);
  // The integrations are optional peers: a consumer that uses them installs them; these are the repository's.
  for (const peer of Object.keys(manifest.peerDependencies)) link(peer);
  link('@types/node');
  // Express ships no types: a TypeScript consumer of hystrix-ts/express has these, as for any Express app.
  link('@types/express');
}, 180_000);

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

describe('npm pack from a checkout without dist/', () => {
  test('the tarball holds the build, every file the exports map names, and no sources or tests', () => {
    const files = entries.map((entry) => entry.replace(/^package\//, ''));
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    expect(files).toContain('dist/index.js');
    for (const target of targets(manifest.exports))
      expect(files, `${target} is packed`).toContain(target.replace(/^\.\//, ''));
    expect(files.filter((f) => /^(src|test|examples|bench)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  test('an ESM consumer imports every subpath and runs a command through the root', async () => {
    writeFileSync(
      join(consumer, 'esm.mjs'),
      `const specifiers = ${JSON.stringify(specifiers)};
       const names = {};
       for (const s of specifiers) names[s] = Object.keys(await import(s)).length;
       const { do: run } = await import('hystrix-ts');
       console.log(JSON.stringify({ names, value: await run('packed-esm', async () => 41 + 1) }));`,
    );
    const { stdout } = await run(process.execPath, ['esm.mjs'], consumer);
    const { names, value } = JSON.parse(stdout) as { names: Record<string, number>; value: number };
    expect(Object.keys(names)).toEqual(specifiers);
    for (const s of specifiers) expect(names[s], `${s} exports names`).toBeGreaterThan(0);
    expect(value).toBe(42);
  });

  test('a CommonJS consumer requires every subpath and runs a command through the root', async () => {
    writeFileSync(
      join(consumer, 'cjs.cjs'),
      `const specifiers = ${JSON.stringify(specifiers)};
       const names = {};
       for (const s of specifiers) names[s] = Object.keys(require(s)).length;
       require('hystrix-ts').do('packed-cjs', async () => 7).then((value) =>
         console.log(JSON.stringify({ names, value, resolved: require.resolve('hystrix-ts') })));`,
    );
    const { stdout } = await run(process.execPath, ['cjs.cjs'], consumer);
    const { names, value, resolved } = JSON.parse(stdout) as {
      names: Record<string, number>;
      value: number;
      resolved: string;
    };
    expect(Object.keys(names)).toEqual(specifiers);
    for (const s of specifiers) expect(names[s], `${s} exports names`).toBeGreaterThan(0);
    expect(value).toBe(7);
    expect(resolved).toContain(join('consumer', 'node_modules', 'hystrix-ts', 'dist'));
  });

  // Each resolution mode: the module option that goes with it, and the files it checks (.cts: require-mode).
  const modes = [
    { resolution: 'node16', module: 'node16', files: ['check.ts', 'check.cts'] },
    { resolution: 'bundler', module: 'esnext', files: ['check.ts'] },
    // node10 knows no `exports`: the subpaths' types come from `typesVersions`.
    { resolution: 'node10', module: 'commonjs', files: ['check.cts'] },
  ];
  test.each(modes)(
    'a TypeScript consumer type-checks every subpath with moduleResolution $resolution',
    async ({ resolution, module, files }) => {
      const dir = join(consumer, `ts-${resolution}`);
      mkdirSync(dir, { recursive: true });
      const imports = specifiers
        .map(
          (s, i) =>
            `import * as m${i} from '${s}';\nexport const n${i}: string[] = Object.keys(m${i});`,
        )
        .join('\n');
      // A typed use of the root too: a wrong declaration would make the assignment fail.
      const root = specifiers.indexOf(manifest.name);
      const use = `export const value: Promise<number> = m${root}.do('typed', async () => 1);`;
      writeFileSync(join(dir, 'check.ts'), `${imports}\n${use}\n`);
      writeFileSync(join(dir, 'check.cts'), `${imports}\n${use}\n`);
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module,
            moduleResolution: resolution,
            target: 'es2022',
            strict: true,
            noEmit: true,
            // The declarations themselves are checked once, with node16; the other modes check resolution.
            skipLibCheck: resolution !== 'node16',
            types: ['node'],
          },
          files,
        }),
      );
      const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
      const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], dir).catch(
        (error: unknown) => error as { stdout: string; code: number },
      );
      expect('code' in result ? result.stdout : '').toBe('');
    },
    60_000,
  );
});
