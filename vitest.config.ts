import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // Unhandled rejections and uncaught exceptions fail the run (vitest's default, kept explicit).
    dangerouslyIgnoreUnhandledErrors: false,
  },
});
