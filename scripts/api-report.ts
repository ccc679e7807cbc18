/**
 * The API report: the published type declarations of every entry point in `package.json`'s `exports`, copied
 * from `dist/` into `api/` with bundle hashes taken out and formatted, so that every change to the public
 * surface shows in a review. `test/api-report.test.ts` compares the built declarations with the checked-in
 * report. Run after a build:
 *
 *   npm run api
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as prettier from 'prettier';

/** The command that rewrites the report. */
export const UPDATE_COMMAND = 'npm run api';

/** Where the report is kept, relative to the package root. */
export const REPORT_DIR = 'api';

interface ConditionalTypes {
  readonly import: { readonly types: string };
  readonly require: { readonly types: string };
}

/** Each subpath of the package with its ESM and CommonJS declaration files (`.` is the root). */
export function entryPoints(root: string): Map<string, ConditionalTypes> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, ConditionalTypes | string>;
  };
  const out = new Map<string, ConditionalTypes>();
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target !== 'string') out.set(subpath, target);
  }
  return out;
}

// A shared declaration chunk is named `<name>-<8-character hash>`: the hash changes with any content.
const CHUNK = /(\.\/[\w.-]+?)-[\w-]{8}\.(js|cjs)\b/g;

/** A declaration file's text with chunk hashes removed and CommonJS specifiers read as ESM ones. */
export function normalize(text: string): string {
  return text.replace(CHUNK, (_match, name: string) => `${name}.chunk.js`);
}

/** The declaration chunks a file imports from, by their hashed file name (without directory). */
function chunksOf(text: string): string[] {
  return [...text.matchAll(/from '\.\/([\w.-]+?-[\w-]{8})\.(?:js|cjs)'/g)].map((m) => m[1]!);
}

function reportName(subpath: string): string {
  return subpath === '.' ? 'index.d.ts' : `${subpath.slice(2).replaceAll('/', '-')}.d.ts`;
}

/**
 * The report as it would be written now: file name (in `api/`) to content, from the ESM declarations in
 * `dist/`. Entry points first, then the chunks they share.
 */
export async function buildReport(root: string): Promise<Map<string, string>> {
  const config = (await prettier.resolveConfig(join(root, 'package.json'))) ?? {};
  const raw = new Map<string, { source: string; text: string }>();
  const chunks = new Set<string>();
  for (const [subpath, conditions] of entryPoints(root)) {
    const source = conditions.import.types;
    const text = readFileSync(join(root, source), 'utf8');
    raw.set(reportName(subpath), { source, text });
    for (const chunk of chunksOf(text)) chunks.add(chunk);
  }
  for (const chunk of [...chunks].sort()) {
    const source = `./dist/${chunk}.d.ts`;
    const name = `${chunk.replace(/-[\w-]{8}$/, '')}.chunk.d.ts`;
    raw.set(name, { source, text: readFileSync(join(root, source), 'utf8') });
  }
  const out = new Map<string, string>();
  for (const [name, { source, text }] of raw) {
    const header =
      `// The published declarations of ${source.replace(/-[\w-]{8}\./, '-<hash>.')}, as a report of the public API.\n` +
      `// Generated: do not edit. After changing the API, run: ${UPDATE_COMMAND}\n\n`;
    out.set(
      name,
      await prettier.format(header + normalize(text), { ...config, parser: 'typescript' }),
    );
  }
  return out;
}

/** The checked-in report: file name to content. */
export function readReport(root: string): Map<string, string> {
  const dir = join(root, REPORT_DIR);
  const out = new Map<string, string>();
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return out;
  }
  for (const file of files.sort()) out.set(file, readFileSync(join(dir, file), 'utf8'));
  return out;
}

/**
 * A line diff of two texts, `-` for lines only in `before`, `+` for lines only in `after`, with `context`
 * unchanged lines around each change; empty when they are equal.
 */
export function diffLines(before: string, after: string, context = 3): string {
  const a = before.split('\n');
  const b = after.split('\n');
  // Longest common subsequence, by suffix lengths: the files are a few thousand lines at most.
  const lcs: Uint32Array[] = Array.from(
    { length: a.length + 1 },
    () => new Uint32Array(b.length + 1),
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] =
        a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: { kind: ' ' | '-' | '+'; line: string; at: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i]!, at: i + 1 });
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      ops.push({ kind: '-', line: a[i]!, at: i + 1 });
      i++;
    } else {
      ops.push({ kind: '+', line: b[j]!, at: i + 1 });
      j++;
    }
  }
  const keep = ops.map(() => false);
  ops.forEach((op, k) => {
    if (op.kind === ' ') return;
    for (let c = Math.max(0, k - context); c <= Math.min(ops.length - 1, k + context); c++)
      keep[c] = true;
  });
  const out: string[] = [];
  let skipped = true;
  ops.forEach((op, k) => {
    if (!keep[k]) {
      skipped = true;
      return;
    }
    if (skipped) out.push(`@@ line ${op.at} @@`);
    skipped = false;
    out.push(op.kind + op.line);
  });
  return out.join('\n');
}

/** The differences between the checked-in report and the built declarations, by file; empty when they match. */
export async function compareReport(root: string): Promise<string> {
  const built = await buildReport(root);
  const saved = readReport(root);
  const parts: string[] = [];
  for (const [name, text] of built) {
    const old = saved.get(name);
    if (old === undefined) parts.push(`${REPORT_DIR}/${name}: missing from the report`);
    else if (old !== text)
      parts.push(`--- ${REPORT_DIR}/${name}\n+++ built\n${diffLines(old, text)}`);
  }
  for (const name of saved.keys()) {
    if (!built.has(name)) parts.push(`${REPORT_DIR}/${name}: no longer built`);
  }
  return parts.join('\n\n');
}

async function main(): Promise<void> {
  const root = process.cwd();
  const built = await buildReport(root);
  rmSync(join(root, REPORT_DIR), { recursive: true, force: true });
  mkdirSync(join(root, REPORT_DIR));
  for (const [name, text] of built) writeFileSync(join(root, REPORT_DIR, name), text);
  console.log(`api report: wrote ${[...built.keys()].map((n) => `${REPORT_DIR}/${n}`).join(', ')}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
