// Zero-config: with no berth.yaml, a compose service is reachable at <service>.<project>.localhost
// within a second of its container starting; the default page lists the known hosts.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from 'undici';
import { BerthEngine } from '../../../main/engine/index.js';
import { describeDocker, runId, startContainer, testDockerHost } from '../../helpers/docker.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';

describeDocker('zero-config routing', () => {
  let engine: BerthEngine;
  let port: number;
  const project = `demo${runId}`;

  beforeAll(async () => {
    port = await freePort();
    engine = new BerthEngine({ dataDir: '/tmp', dockerHost: testDockerHost(), zeroConfigPort: port });
    await engine.start();
  });
  afterAll(() => engine?.stop());

  const get = (host: string) => request(`http://127.0.0.1:${port}/hello`, { headers: { host } }).then(async (r) => ({ status: r.statusCode, text: await r.body.text() }));

  it('reaches a compose service by <service>.<project>.localhost within a second of its start', async () => {
    const c = await startContainer({ compose: { project, service: 'web' } });
    const started = Date.now();
    const res = await eventually(async () => {
      const r = await get(`web.${project}.localhost`);
      expect(r.status).toBe(200);
      return r;
    }, { timeoutMs: 5_000, intervalMs: 10 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(JSON.parse(res.text).name).toBe(c.name);
  });

  it('reaches other containers by <name>.localhost, and lists known hosts on the default page', async () => {
    const c = await startContainer({ name: `plain-${runId}` });
    await eventually(async () => expect((await get(`plain-${runId}.localhost`)).status).toBe(200));
    const page = await get('unknown.localhost');
    expect(page.status).toBe(404);
    expect(page.text).toContain(`plain-${runId}.localhost`);
    await c.stop();
    await eventually(async () => expect((await get(`plain-${runId}.localhost`)).status).toBe(404));
  });

  it('routes each published port of a multi-port container by <port>.<name>.localhost', async () => {
    const name = `multi-${runId}`;
    await startContainer({ name, ports: ['8081/tcp', '9090/tcp'], env: { PORT: '8081' } });
    await eventually(async () => expect((await get(`8081.${name}.localhost`)).status).toBe(200));
    expect((await get(`${name}.localhost`)).status).toBe(200);
    // 9090 is published but nothing listens in the container: the listener answers 502, not 404.
    expect((await get(`9090.${name}.localhost`)).status).toBe(502);
  });
});
