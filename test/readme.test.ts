/**
 * Every ```ts block of README.md is type-checked against the sources and run, so an example cannot drift from
 * the library. A block may be preceded by an HTML comment, invisible on the rendered page, that gives it what a
 * reader supplies from context:
 *
 *   <!-- readme-test
 *   before: <a line of code run before the block>   (imports, a local stub for a host the block names)
 *   after: <a line of code run after it>            (checks, and closing what the block opened)
 *   replace: <text> => <text>                       (in the block, when run: a fixed port becomes 0)
 *   compile-only: <why it cannot run here>
 *   -->
 *
 * Each block is one module, run in its own process, which must exit by itself.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const exec = promisify(execFile);
const repo = resolve(import.meta.dirname, '..');

interface Block {
  /** The README line of the opening fence, for messages. */
  readonly line: number;
  readonly code: string;
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly replace: readonly (readonly [string, string])[];
  readonly compileOnly: string | undefined;
}

/** The ```ts blocks of a Markdown text, each with the directives of the comment right before it. */
function blocksOf(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  let pending: Omit<Block, 'line' | 'code'> | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '<!-- readme-test') {
      const before: string[] = [];
      const after: string[] = [];
      const replace: (readonly [string, string])[] = [];
      let compileOnly: string | undefined;
      for (i++; i < lines.length && lines[i]!.trim() !== '-->'; i++) {
        const match = /^(before|after|replace|compile-only):(?: (.*))?$/.exec(lines[i]!);
        if (!match)
          throw new Error(`README.md:${i + 1}: not a readme-test directive: ${lines[i]!}`);
        const [, key, value = ''] = match;
        if (key === 'before') before.push(value);
        else if (key === 'after') after.push(value);
        else if (key === 'compile-only') compileOnly = value;
        else {
          const [from, to] = value.split(' => ');
          if (from === undefined || to === undefined)
            throw new Error(`README.md:${i + 1}: replace A => B`);
          replace.push([from, to]);
        }
      }
      pending = { before, after, replace, compileOnly };
      continue;
    }
    if (/^```/.test(line)) {
      const start = i;
      const fence = line.trim();
      const body: string[] = [];
      for (i++; i < lines.length && lines[i]!.trim() !== '```'; i++) body.push(lines[i]!);
      if (fence === '```ts') {
        blocks.push({
          line: start + 1,
          code: body.join('\n'),
          ...(pending ?? { before: [], after: [], replace: [], compileOnly: undefined }),
        });
      } else if (pending !== undefined) {
        throw new Error(
          `README.md:${start + 1}: a readme-test comment must come right before a ts block`,
        );
      }
      pending = undefined;
      continue;
    }
    if (pending !== undefined && line.trim() !== '') {
      throw new Error(
        `README.md:${i + 1}: a readme-test comment must come right before a ts block`,
      );
    }
  }
  return blocks;
}

/** The module a block becomes: its context, the block with its replacements, its checks. */
function moduleOf(block: Block): string {
  let code = block.code;
  for (const [from, to] of block.replace) {
    if (!code.includes(from)) {
      throw new Error(`README.md:${block.line}: replace: "${from}" is not in the block`);
    }
    code = code.replaceAll(from, to);
  }
  return [
    `// README.md line ${block.line}`,
    'export {};',
    ...block.before,
    code,
    ...block.after,
    '',
  ].join('\n');
}

const blocks = blocksOf(readFileSync(join(repo, 'README.md'), 'utf8'));
const fileOf = (block: Block): string => `block-${String(block.line).padStart(4, '0')}.ts`;
let dir = '';

beforeAll(() => {
  mkdirSync(join(repo, 'scratch'), { recursive: true });
  // Inside the repository, so that the blocks resolve its node_modules and its tsconfig maps 'hystrix-ts'.
  dir = mkdtempSync(join(repo, 'scratch', 'readme-'));
  for (const block of blocks) writeFileSync(join(dir, fileOf(block)), moduleOf(block));
  const root = relative(dir, join(repo, 'tsconfig.json'));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: root,
      // Examples name things to show them (`const { circuit, created } = ...`) without using every one.
      compilerOptions: { noUnusedLocals: false, noUnusedParameters: false },
      include: ['*.ts'],
    }),
  );
});

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('README.md', () => {
  test('has ts examples, and every directive applies to one', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    for (const block of blocks) expect(() => moduleOf(block)).not.toThrow();
  });

  test('every ts block type-checks against the sources', async () => {
    const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await exec(process.execPath, [tsc, '--noEmit', '-p', dir], {
      cwd: repo,
      timeout: 120_000,
    }).catch((error: unknown) => error as { stdout: string });
    // The diagnostics name the file, whose first line gives the README line of the block.
    expect(result.stdout).toBe('');
  }, 120_000);

  const runnable = blocks.filter((block) => block.compileOnly === undefined);
  test.each(runnable.map((block) => [block.line, block] as const))(
    'the block at line %i runs and its process exits by itself',
    async (_, block) => {
      const { stderr } = await exec(
        process.execPath,
        ['--import', 'tsx', join(dir, fileOf(block))],
        { cwd: repo, timeout: 30_000 },
      );
      expect(stderr).toBe('');
    },
    40_000,
  );
});
