import { defineConfig } from 'vitest/config';

// Suites whose assertions involve latency under load (a canary's p99 while certificates are minted)
// say something about Berth only when nothing else competes for the two cores: they run alone, one
// file at a time, after every other suite has finished.
const QUIET = ['test/integration/tls/concurrency.spec.ts'];
// The ALB suites that exercise what the upstream client decides (error answers, header passing,
// aborts on deregistration) run a second time on the undici client; the native one is the default.
// upstream-client.spec.ts itself runs against both clients.
const ON_UNDICI = ['errors', 'headers', 'deregistration'].map((name) => `test/integration/alb/${name}.spec.ts`);

export default defineConfig({
  test: {
    // Generous: a test that spawns `berth` (2-3 CPU-seconds of Node start and TypeScript loading) or
    // makes 1,000 sequential requests takes 15-30 s on a loaded 2-core machine (npm run test:loaded).
    // A timeout says nothing about Berth unless something hangs, and a hang still fails.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Integration suites share one Docker engine and real ports; files run in parallel, tests in a file in order.
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.spec.ts', 'test/**/*.spec.tsx'],
          exclude: QUIET,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'undici',
          include: ON_UNDICI,
          env: { BERTH_UPSTREAM_CLIENT: 'undici' },
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'quiet',
          include: QUIET,
          poolOptions: { forks: { singleFork: true } },
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
