// Docker's own HEALTHCHECK counts in a target group: a container Docker reports unhealthy is
// unhealthy (and gets no traffic while another target can take it) whether or not Berth runs its
// own checks, and is usable again once Docker says it is healthy.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TargetGroupRuntime, type TargetGroupRuntimeOptions } from '../../../main/targets/index.js';
import { targetGroupSchema, type TargetSpec } from '../../../shared/model/index.js';
import { eventually } from '../../helpers/eventually.js';

const open: { close(): void }[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

function runtime(options: TargetGroupRuntimeOptions, config: Record<string, unknown> = {}): TargetGroupRuntime {
  const g = new TargetGroupRuntime(targetGroupSchema.parse({ name: 'web', protocol: 'HTTP', ...config }), options);
  open.push(g);
  return g;
}

const container = (name: string, port: number, dockerHealth: TargetSpec['dockerHealth']): TargetSpec => ({
  id: `${name}:${port}`,
  host: '127.0.0.1',
  port,
  source: 'docker',
  containerId: `id-${name}`,
  containerName: name,
  dockerHealth,
});

const state = (g: TargetGroupRuntime, id: string) => g.snapshot().find((t) => t.id === id)!;
const picked = (g: TargetGroupRuntime, n: number) => new Set(Array.from({ length: n }, () => g.pick({ clientIp: '127.0.0.1' })!.target.id));

describe("Docker's health in a target group", () => {
  it('with health checks off: unhealthy while Docker says so, usable again when Docker says healthy', () => {
    let now = 1_000_000;
    const g = runtime({ healthChecks: false, now: () => now });
    g.setTargets([container('web-1', 49001, 'healthy'), container('web-2', 49002, 'unhealthy')]);
    expect(state(g, 'web-1:49001')).toMatchObject({ health: 'unavailable', reason: 'Target.HealthCheckDisabled' });
    expect(state(g, 'web-2:49002')).toMatchObject({ health: 'unhealthy', reason: 'Target.FailedHealthChecks' });
    expect(state(g, 'web-2:49002').description).toMatch(/Docker/);
    expect(picked(g, 50)).toEqual(new Set(['web-1:49001']));

    now += 60_000;
    g.setTargets([container('web-1', 49001, 'healthy'), container('web-2', 49002, 'unhealthy')]);
    expect(state(g, 'web-2:49002').health).toBe('unhealthy');

    g.setTargets([container('web-1', 49001, 'healthy'), container('web-2', 49002, 'healthy')]);
    expect(state(g, 'web-2:49002')).toMatchObject({ health: 'unavailable', reason: 'Target.HealthCheckDisabled' });
    expect(picked(g, 50)).toEqual(new Set(['web-1:49001', 'web-2:49002']));

    // A container that turns unhealthy later is taken out as soon as Docker says so.
    g.setTargets([container('web-1', 49001, 'unhealthy'), container('web-2', 49002, 'healthy')]);
    expect(state(g, 'web-1:49001')).toMatchObject({ health: 'unhealthy', reason: 'Target.FailedHealthChecks' });
    expect(picked(g, 50)).toEqual(new Set(['web-2:49002']));
  });

  it("with health checks on: unhealthy at once although Berth's own check passes, healthy after a check once Docker recovers", async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    open.push(server);
    const port = (server.address() as AddressInfo).port;
    const g = runtime({ intervalMsOverride: 100 }, { healthCheck: { path: '/' } });
    const id = `web-1:${port}`;
    g.setTargets([container('web-1', port, 'unhealthy')]);
    expect(state(g, id)).toMatchObject({ health: 'unhealthy', reason: 'Target.FailedHealthChecks' });
    // Checks keep running and passing, and the target stays unhealthy while Docker says so.
    await new Promise((r) => setTimeout(r, 500));
    expect(state(g, id)).toMatchObject({ health: 'unhealthy', reason: 'Target.FailedHealthChecks' });
    expect(state(g, id).description).toMatch(/Docker/);

    g.setTargets([container('web-1', port, 'healthy')]);
    await eventually(() => expect(state(g, id).health).toBe('healthy'), { timeoutMs: 20_000 });
  });
});
