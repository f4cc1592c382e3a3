// A container stopped under load (200 req/s for 5 s): it leaves its group when Docker signals it, no
// 5xx for requests that began after that, and every request is answered; plus the listener's
// 502/503/504 answers. (test/integration/cli/drain-stop.spec.ts has the whole story through `berth up`
// with targets that shut down gracefully: 0 errors.)
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from 'undici';
import { configSchema } from '../../../shared/model/index.js';
import { BerthEngine } from '../../../main/engine/index.js';
import { describeDocker, runId, startContainer, testDockerHost, type TestContainer } from '../../helpers/docker.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';

describeDocker('draining and error answers', () => {
  let engine: BerthEngine;
  let port: number;
  let loadPort: number;
  let pool: TestContainer[];
  const label = { [`t.drain.${runId}`]: 'yes' };

  beforeAll(async () => {
    port = await freePort();
    loadPort = await freePort();
    const closed = await freePort();
    pool = await Promise.all([1, 2, 3].map(() => startContainer({ labels: label })));
    const config = configSchema.parse({
      loadBalancers: [{
        name: 'web',
        idleTimeoutSeconds: 1,
        listeners: [{
          port,
          protocol: 'HTTP',
          defaultAction: { forward: 'pool' },
          rules: [
            { priority: 1, conditions: { pathPattern: ['/refused*'] }, action: { forward: 'refused' } },
            { priority: 2, conditions: { pathPattern: ['/empty*'] }, action: { forward: 'empty' } },
          ],
        }],
      }, {
        // The load test has a listener of its own with the default idle timeout: on a loaded machine a
        // healthy target can take longer than the 1 s above, and a 504 then says nothing about draining.
        name: 'load',
        listeners: [{ port: loadPort, protocol: 'HTTP', defaultAction: { forward: 'pool' } }],
      }],
      targetGroups: [
        { name: 'pool', protocol: 'HTTP', deregistrationDelaySeconds: 5, healthCheck: { path: '/health' }, targets: { docker: { labels: label, containerPort: 8081 } } },
        { name: 'refused', protocol: 'HTTP', targets: { static: [`127.0.0.1:${closed}`] } },
        { name: 'empty', protocol: 'HTTP', targets: {} },
      ],
    });
    engine = new BerthEngine({ config, dataDir: '/tmp', dockerHost: testDockerHost(), healthCheckIntervalMs: 200 });
    await engine.start();
    await eventually(() => expect(engine.getState().targetGroups.find((g) => g.name === 'pool')!.targets.filter((t) => t.health === 'healthy')).toHaveLength(3), { timeoutMs: 20_000 });
  }, 120_000);
  afterAll(() => engine?.stop());

  it('502 for a refused connection, 503 without targets, 504 past the idle timeout', async () => {
    const r502 = await request(`http://127.0.0.1:${port}/refused`);
    expect([r502.statusCode, r502.headers['x-berth-error']]).toEqual([502, expect.any(String)]);
    await r502.body.dump();
    const r503 = await request(`http://127.0.0.1:${port}/empty`);
    expect(r503.statusCode).toBe(503);
    await r503.body.dump();
    const r504 = await request(`http://127.0.0.1:${port}/__slow?ms=2500`);
    expect(r504.statusCode).toBe(504);
    await r504.body.dump();
  });

  it('a container stopped under 200 req/s: no 5xx once it has left, every request answered', async () => {
    const victim = pool[1]!;
    let leftAt = Infinity;
    const off = engine.on('targets', (e) => {
      if (e.targetGroup === 'pool' && !e.targets.some((t) => t.id.startsWith(`${victim.name}:`) && t.health !== 'draining')) leftAt = Math.min(leftAt, performance.now());
    });
    const results: { start: number; status: number | 'error'; by?: string }[] = [];
    const inFlight: Promise<void>[] = [];
    const t0 = performance.now();
    let stopped: Promise<void> | undefined;
    // Paced by the clock, not by the loop: 200 requests per second for 5 s, catching up after a stall.
    for (let sent = 0; sent < 1000; ) {
      const due = Math.min(1000, Math.floor((performance.now() - t0) / 5) + 1);
      if (sent >= due) {
        await new Promise((r) => setTimeout(r, 2));
        continue;
      }
      sent++;
      const start = performance.now();
      inFlight.push(
        request(`http://127.0.0.1:${loadPort}/work`)
          .then(async (r) => {
            const text = await r.body.text();
            results.push({ start, status: r.statusCode, by: r.statusCode === 200 ? (JSON.parse(text) as { name: string }).name : undefined });
          })
          .catch(() => void results.push({ start, status: 'error' })),
      );
      if (!stopped && performance.now() - t0 > 1500) stopped = victim.stop();
    }
    await Promise.all(inFlight);
    await stopped;
    off();
    expect(results.length).toBe(1000);
    expect(leftAt).toBeLessThan(Infinity);
    const after = results.filter((r) => r.start > leftAt);
    expect(after.length).toBeGreaterThan(100);
    expect(after.filter((r) => r.status !== 200)).toEqual([]);
    expect(after.filter((r) => r.by === victim.name)).toEqual([]);
    expect(results.filter((r) => r.status === 'error')).toEqual([]);
    const before = results.filter((r) => r.start <= leftAt && r.status !== 200).length;
    console.log(`[drain] ${results.length} requests; ${before} non-200 answers while ${victim.name} was shutting down before it left the group; 0 after`);
  }, 60_000);
});
