import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'out/**', 'e2e/**'],
    environment: 'node',
    globalSetup: ['test-support/global-setup.ts'],
    testTimeout: 30_000,
    pool: 'forks',
    reporters: ['default', './test-support/summary-reporter.ts'],
  },
});
