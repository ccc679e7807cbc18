/**
 * The type fixtures in test/types/ compile against the built package as users compile it: inference of `do`,
 * `go`, `doC` and `goC`, the fallback's error, the README's examples, and the public face (what is read-only,
 * internal or a type only). `@ts-expect-error` marks what must not compile; an unused one fails too.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';

const run = promisify(execFile);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const PROJECT = 'test/types/tsconfig.dist.json';

beforeAll(() => {
  expect(existsSync('dist/index.d.ts'), 'dist/ is built by `npm test` before the tests').toBe(true);
});

describe('type fixtures', () => {
  test(`tsc -p ${PROJECT} reports no error`, async () => {
    const result = await run(process.execPath, [tsc, '-p', PROJECT], { timeout: 120_000 }).then(
      () => ({ code: 0, output: '' }),
      (error: unknown) => {
        const failed = error as { code?: unknown; stdout?: unknown; stderr?: unknown };
        const text = (value: unknown): string => (typeof value === 'string' ? value : '');
        return { code: failed.code, output: text(failed.stdout) + text(failed.stderr) };
      },
    );
    expect(result.output, `npx tsc -p ${PROJECT}`).toBe('');
    expect(result.code).toBe(0);
  });
});
