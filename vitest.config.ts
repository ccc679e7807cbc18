import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Subpath modules import the core as 'hystrix-ts'; tests run them against the source.
    alias: [
      {
        find: /^hystrix-ts$/,
        replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      },
      {
        find: /^hystrix-ts\/internal$/,
        replacement: fileURLToPath(new URL('./src/internal.ts', import.meta.url)),
      },
      {
        find: /^hystrix-ts\/stream$/,
        replacement: fileURLToPath(new URL('./src/stream/index.ts', import.meta.url)),
      },
      {
        find: /^hystrix-ts\/redis$/,
        replacement: fileURLToPath(new URL('./src/redis/index.ts', import.meta.url)),
      },
      {
        find: /^hystrix-ts\/fetch$/,
        replacement: fileURLToPath(new URL('./src/http/fetch.ts', import.meta.url)),
      },
      {
        find: /^hystrix-ts\/undici$/,
        replacement: fileURLToPath(new URL('./src/http/undici.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // The dashboard page embeds its browser code bundled (a git-ignored generated module): made from the
    // sources before any test runs.
    globalSetup: ['./scripts/bundle-dashboard.ts'],
    testTimeout: 30_000,
    // Unhandled rejections and uncaught exceptions fail the run (vitest's default, kept explicit).
    dangerouslyIgnoreUnhandledErrors: false,
  },
});
