/**
 * npx tsx scripts/adaptive-table.ts: prints the result table of adaptive concurrency limits (README "Adaptive
 * concurrency"; `npm run bench` writes it to bench/RESULTS.md too).
 */
import { adaptiveTable } from '../bench/adaptive-table.js';

process.stdout.write(`${(await adaptiveTable()).join('\n')}\n`);
