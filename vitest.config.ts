import { defineConfig } from 'vitest/config';

/** One run, two projects: unit tests in parallel, then the Chromium e2e specs one file at a time. */
export default defineConfig({
  test: {
    globalSetup: ['test-support/global-setup.ts'],
    reporters: ['default', './test-support/summary-reporter.ts'],
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['**/node_modules/**', 'out/**', 'e2e/**', 'bench/.peers/**'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.spec.ts'],
          environment: 'node',
          testTimeout: 90_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
