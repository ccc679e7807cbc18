/**
 * One meaning of `sanitizeName` across the exports that build dotted metric paths (StatsD and Graphite): the
 * function both subpaths export is the same, and hystrix-go's replacements come first.
 */
import { describe, expect, test } from 'vitest';
import { sanitizeName as graphiteSanitizeName } from '../../src/plugins/graphite.js';
import { sanitizeName as statsdSanitizeName } from '../../src/plugins/statsd.js';

const CASES: readonly (readonly [string, string])[] = [
  ['a/b:c.d', 'a-b-c-d'], // hystrix-go: one name, one level of the path
  ['plain_name-1', 'plain_name-1'],
  ['with space\tand\nline', 'with_space_and_line'], // would split or end a plaintext line
  ['nul\u0000del\u007f', 'nul_del_'],
  ['crlf\r\n', 'crlf__'],
  ['commande-é-名前', 'commande-é-名前'], // letters of any script are kept
  ['', ''],
];

describe('sanitizeName', () => {
  test('StatsD and Graphite export one and the same function', () => {
    expect(statsdSanitizeName).toBe(graphiteSanitizeName);
  });

  test.each(CASES)('%j becomes %j', (name, expected) => {
    expect(statsdSanitizeName(name)).toBe(expected);
  });

  test('the result is one path segment with no whitespace or control character', () => {
    for (const [name] of CASES) {
      expect(sanitizeLeaves(statsdSanitizeName(name))).toBe(true);
    }
  });
});

function sanitizeLeaves(segment: string): boolean {
  return !/[/:.\s\p{Cc}]/u.test(segment);
}
