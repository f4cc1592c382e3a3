import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts', 'test/**/*.spec.tsx'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Integration suites share one Docker engine and real ports; files run in parallel, tests in a file in order.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
