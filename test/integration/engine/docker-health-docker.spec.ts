// Docker's HEALTHCHECK on the real engine with Berth's own health checks off: a container whose
// HEALTHCHECK fails is reported unhealthy and gets no requests, and takes them again once Docker
// says it is healthy.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from 'undici';
import { configSchema } from '../../../shared/model/index.js';
import { BerthEngine } from '../../../main/engine/index.js';
import { describeDocker, runId, startContainer, testDockerHost, type TestContainer } from '../../helpers/docker.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';

describeDocker("Docker's HEALTHCHECK with Berth's health checks off", () => {
  let engine: BerthEngine;
  let port: number;
  let sick: TestContainer;
  let well: TestContainer;
  const labels = { [`t.dockerhealth.${runId}`]: 'app' };

  beforeAll(async () => {
    port = await freePort();
    const healthcheck = { cmd: 'wget -qO- http://127.0.0.1:8081/health', intervalMs: 300, retries: 1 };
    [sick, well] = await Promise.all([startContainer({ labels, healthcheck }), startContainer({ labels, healthcheck })]);
    const config = configSchema.parse({
      loadBalancers: [{ name: 'web', listeners: [{ port, protocol: 'HTTP', defaultAction: { forward: 'app' } }] }],
      targetGroups: [{ name: 'app', protocol: 'HTTP', targets: { docker: { labels, containerPort: 8081 } } }],
    });
    engine = new BerthEngine({ config, dataDir: '/tmp', dockerHost: testDockerHost(), healthChecks: false });
    await engine.start();
  });
  afterAll(() => engine?.stop());

  const target = (c: TestContainer) => engine.getState().targetGroups[0]!.targets.find((t) => t.containerName === c.name);
  const answeredBy = async (n: number) => {
    const names = new Set<string>();
    for (let i = 0; i < n; i++) {
      const res = await request(`http://127.0.0.1:${port}/`);
      names.add(((await res.body.json()) as { name: string }).name);
    }
    return names;
  };

  it('takes an unhealthy container out of rotation and back in when Docker says it is healthy again', async () => {
    await eventually(() => expect([target(sick)?.dockerHealth, target(well)?.dockerHealth]).toEqual(['healthy', 'healthy']), { timeoutMs: 30_000 });
    expect(target(sick)).toMatchObject({ health: 'unavailable', reason: 'Target.HealthCheckDisabled' });

    await (await request(sick.url('/__health/fail'), { method: 'POST' })).body.text();
    await eventually(() => expect(target(sick)).toMatchObject({ dockerHealth: 'unhealthy', health: 'unhealthy', reason: 'Target.FailedHealthChecks' }), { timeoutMs: 30_000 });
    expect(target(sick)!.description).toMatch(/Docker/);
    expect(await answeredBy(20)).toEqual(new Set([well.name]));

    await (await request(sick.url('/__health/ok'), { method: 'POST' })).body.text();
    await eventually(() => expect(target(sick)).toMatchObject({ dockerHealth: 'healthy', health: 'unavailable' }), { timeoutMs: 30_000 });
    expect(await answeredBy(20)).toEqual(new Set([sick.name, well.name]));
  }, 120_000);
});
