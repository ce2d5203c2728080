import { defineConfig } from 'vitest/config';

/**
 * The browser tests (test/e2e): Debian's Chromium driven by playwright-core against a real
 * `switchboard serve` with its lab. One file at a time (each starts its own server and browser),
 * generous timeouts for a cold CI machine. Run with `npm run test:e2e`, which builds the renderer first.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    // Serves a private copy of the build, so a rebuild of dist/renderer meanwhile cannot break a run.
    globalSetup: ['test/e2e/global-setup.ts'],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 90_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
