// The Docker fixture for integration tests: the test engine and its containers
// (./docker-containers.js), plus describeDocker, which starts the engine for a suite, cleans up
// after it, and decides between running, skipping (developer machine without Docker) and failing (CI).
import { afterAll, beforeAll, describe, it } from 'vitest';
import { dockerSupport } from './docker-engine.js';
import { ensureEngine, removeAll } from './docker-containers.js';

export * from './docker-containers.js';
export { dockerAvailable, dockerSupport, testDockerHost } from './docker-engine.js';

/**
 * `describe` for suites that need the test engine: it is started before the suite and this file's
 * containers are removed after it. Without Docker on a developer machine the suite is skipped and
 * the name says why; with CI=true a missing engine is a failure, never a skip.
 */
export function describeDocker(name: string, body: () => void, options: { instance?: number } = {}): void {
  const instance = options.instance ?? 0;
  const support = dockerSupport(instance);
  if (!support.ok) {
    if (process.env.CI === 'true') {
      describe(name, () => {
        it('has the test Docker engine (required when CI=true)', () => {
          throw new Error(support.reason);
        });
      });
      return;
    }
    console.warn(`[docker] skipping "${name}": ${support.reason}`);
    describe.skip(`${name} [skipped: ${support.reason}]`, body);
    return;
  }
  describe(name, () => {
    beforeAll(() => ensureEngine(instance), 300_000);
    afterAll(() => removeAll(), 60_000);
    body();
  });
}

