/**
 * The checked-in API report (`api/`) matches the declarations the build publishes, so that every change to the
 * public surface is seen in review. On a difference the failure shows the diff and the command that updates
 * the report.
 */
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  buildReport,
  compareReport,
  diffLines,
  readReport,
  UPDATE_COMMAND,
} from '../scripts/api-report.js';

const ROOT = process.cwd();

beforeAll(() => {
  expect(existsSync('dist/index.d.ts'), 'dist/ is built by `npm test` before the tests').toBe(true);
});

describe('the API report', () => {
  test('the built declarations match the checked-in report', async () => {
    const differences = await compareReport(ROOT);
    expect(
      differences,
      `The public API differs from the report in api/. If the change is intended, run\n\n  ${UPDATE_COMMAND}\n\n` +
        `and commit api/ (with a CHANGELOG entry). The differences (- report, + built):\n\n${differences}\n`,
    ).toBe('');
  });

  test('covers every entry point, and nothing is left in it that the build no longer makes', async () => {
    const built = await buildReport(ROOT);
    expect([...built.keys()]).toEqual(
      expect.arrayContaining([
        'index.d.ts',
        'rolling.d.ts',
        'stream.d.ts',
        'prometheus.d.ts',
        'statsd.d.ts',
        'graphite.d.ts',
        'opentelemetry.d.ts',
      ]),
    );
    expect([...readReport(ROOT).keys()].sort()).toEqual([...built.keys()].sort());
  });

  test('a difference is reported as a readable line diff with context', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].join('\n');
    const after = ['a', 'b', 'c', 'd', 'E', 'f', 'g', 'h', 'i', 'j'].join('\n');
    expect(diffLines(before, after, 1)).toBe(
      ['@@ line 4 @@', ' d', '-e', '+E', ' f', '@@ line 9 @@', ' i', '+j'].join('\n'),
    );
    expect(diffLines(before, before)).toBe('');
  });
});
