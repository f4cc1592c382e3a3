// Which connections of a network listener Berth ends, as AWS does: those to a deregistered target
// once its delay is over, only if the group says so (off for TCP and TLS, on for UDP and TCP_UDP by
// default); and those to a target that turns unhealthy (TCP and TLS groups, on by default), unless
// the group failed open, or termination is off — then after the unhealthy draining interval, or never.
// Health comes from real TCP health checks of real local servers that stop and start listening.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionWatch, terminatesOnDeregistration, terminatesWhenUnhealthy, type TerminationReason } from '../../../main/nlb/connection-watch.js';
import { TargetGroupRuntime, type RuntimeTarget } from '../../../main/targets/index.js';
import { targetGroupSchema } from '../../../shared/model/index.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';

const groups: TargetGroupRuntime[] = [];
const servers = new Set<Server>();
afterEach(async () => {
  groups.splice(0).forEach((g) => g.close());
  await Promise.all([...servers].map((s) => new Promise((r) => s.close(r))));
  servers.clear();
});

function group(config: Record<string, unknown>, targets = [{ id: 't1', host: '127.0.0.1', port: 1, source: 'static' as const }], checked = false): TargetGroupRuntime {
  const g = new TargetGroupRuntime(
    targetGroupSchema.parse({ name: 'g', protocol: 'TCP', deregistrationDelaySeconds: 0, healthCheck: { healthyThresholdCount: 2, unhealthyThresholdCount: 2 }, ...config }),
    checked ? { intervalMsOverride: 30 } : { healthChecks: false },
  );
  g.setTargets(targets);
  groups.push(g);
  return g;
}

/** A TCP server that health checks can reach, and that can stop and start listening on its port. */
async function listening(port?: number): Promise<{ port: number; stop: () => Promise<void>; start: () => Promise<void> }> {
  const p = port ?? (await freePort());
  let server: Server | undefined;
  const start = async () => {
    server = createServer((s) => s.destroy());
    servers.add(server);
    await new Promise<void>((r) => server!.listen(p, '127.0.0.1', r));
  };
  const stop = async () => {
    const s = server!;
    servers.delete(s);
    await new Promise((r) => s.close(r));
  };
  await start();
  return { port: p, stop, start };
}

function watched(g: TargetGroupRuntime, target: RuntimeTarget) {
  const terminated: TerminationReason[] = [];
  const watch = new ConnectionWatch();
  const connection = { group: g, target, terminate: (reason: TerminationReason) => terminated.push(reason) };
  watch.add(connection);
  return { terminated, remove: () => watch.remove(connection) };
}

describe('deregistration and connection termination', () => {
  it('follows AWS defaults when connectionTermination is unset', () => {
    expect(terminatesOnDeregistration(group({}))).toBe(false);
    expect(terminatesOnDeregistration(group({ protocol: 'TLS' }))).toBe(false);
    expect(terminatesOnDeregistration(group({ protocol: 'UDP' }))).toBe(true);
    expect(terminatesOnDeregistration(group({ protocol: 'TCP_UDP' }))).toBe(true);
    expect(terminatesOnDeregistration(group({ connectionTermination: true }))).toBe(true);
    expect(terminatesOnDeregistration(group({ protocol: 'UDP', connectionTermination: false }))).toBe(false);
  });

  for (const connectionTermination of [true, false]) {
    it(`connectionTermination ${connectionTermination}: ${connectionTermination ? 'terminates' : 'keeps'} connections once the target is unused`, async () => {
      const g = group({ connectionTermination });
      const target = g.pick({ clientIp: '127.0.0.1' })!.target;
      const { terminated, remove } = watched(g, target);
      g.setTargets([]);
      await eventually(() => expect(target.health).toBe('unused'));
      expect(terminated).toEqual(connectionTermination ? ['deregistered'] : []);
      remove();
      expect(g.listenerCount('changed')).toBe(0);
    });
  }
});

describe('unhealthy targets and connection termination', () => {
  it('follows AWS defaults: on for TCP and TLS, never for UDP and TCP_UDP; off with an interval still ends them', () => {
    expect(terminatesWhenUnhealthy(group({}))).toBe(true);
    expect(terminatesWhenUnhealthy(group({ protocol: 'TLS' }))).toBe(true);
    expect(terminatesWhenUnhealthy(group({ protocol: 'UDP' }))).toBe(false);
    expect(terminatesWhenUnhealthy(group({ protocol: 'TCP_UDP' }))).toBe(false);
    expect(terminatesWhenUnhealthy(group({ unhealthyConnectionTermination: false }))).toBe(false);
    expect(terminatesWhenUnhealthy(group({ unhealthyConnectionTermination: false, unhealthyDrainingIntervalSeconds: 5 }))).toBe(true);
  });

  it('the schema takes the two settings only for TCP and TLS groups, and the interval only with termination off', () => {
    const problems = (extra: Record<string, unknown>) => targetGroupSchema.safeParse({ name: 'g', protocol: 'TCP', ...extra }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(problems({ protocol: 'UDP', unhealthyConnectionTermination: false })).toEqual(['unhealthyConnectionTermination: unhealthyConnectionTermination applies only to TCP and TLS target groups']);
    expect(problems({ protocol: 'HTTP', unhealthyDrainingIntervalSeconds: 0 })).toEqual(['unhealthyDrainingIntervalSeconds: unhealthyDrainingIntervalSeconds applies only to TCP and TLS target groups']);
    expect(problems({ unhealthyDrainingIntervalSeconds: 30 })[0]).toMatch(/^unhealthyDrainingIntervalSeconds: an unhealthy draining interval needs unhealthyConnectionTermination: false/);
    expect(problems({ unhealthyConnectionTermination: false, unhealthyDrainingIntervalSeconds: 360_001 })[0]).toMatch(/^unhealthyDrainingIntervalSeconds: /);
    expect(problems({ unhealthyConnectionTermination: false, unhealthyDrainingIntervalSeconds: 30 })).toEqual([]);
  });

  /** Two checked targets, both healthy; returns the group and the first target, whose server `sick` stops. */
  async function twoHealthy(config: Record<string, unknown>) {
    const sick = await listening();
    const well = await listening();
    const g = group(config, [
      { id: 'sick', host: '127.0.0.1', port: sick.port, source: 'static' },
      { id: 'well', host: '127.0.0.1', port: well.port, source: 'static' },
    ], true);
    await eventually(() => expect(g.snapshot().map((t) => t.health)).toEqual(['healthy', 'healthy']));
    const picked = [g.pick({ clientIp: '127.0.0.1' })!.target, g.pick({ clientIp: '127.0.0.1' })!.target];
    return { g, target: picked.find((t) => t.id === 'sick')!, wellTarget: picked.find((t) => t.id === 'well')!, sick, well };
  }

  it('by default, a connection to a target that turns unhealthy is ended; one to a healthy target is not', async () => {
    const { g, target, wellTarget, sick } = await twoHealthy({});
    const onSick = watched(g, target);
    const onWell = watched(g, wellTarget);
    await sick.stop();
    await eventually(() => expect(target.health).toBe('unhealthy'));
    expect(onSick.terminated).toEqual(['unhealthy']);
    expect(onWell.terminated).toEqual([]);
  });

  it('not while the group fails open: the only target turning unhealthy keeps its connections', async () => {
    const only = await listening();
    const g = group({}, [{ id: 'only', host: '127.0.0.1', port: only.port, source: 'static' }], true);
    await eventually(() => expect(g.snapshot()[0]!.health).toBe('healthy'));
    const target = g.pick({ clientIp: '127.0.0.1' })!.target;
    const { terminated } = watched(g, target);
    await only.stop();
    await eventually(() => expect(target.health).toBe('unhealthy'));
    expect(g.failedOpen).toBe(true);
    expect(terminated).toEqual([]);
  });

  it('with termination off and no interval, connections stay with the unhealthy target', async () => {
    const { g, target, sick } = await twoHealthy({ unhealthyConnectionTermination: false });
    const { terminated } = watched(g, target);
    await sick.stop();
    await eventually(() => expect(target.health).toBe('unhealthy'));
    expect(g.failedOpen).toBe(false);
    expect(terminated).toEqual([]);
  });

  it('with termination off and a draining interval: unhealthy.draining keeps them until the interval ends, then they are ended', async () => {
    const { g, target, sick } = await twoHealthy({ unhealthyConnectionTermination: false, unhealthyDrainingIntervalSeconds: 1 });
    const { terminated } = watched(g, target);
    await sick.stop();
    await eventually(() => expect(target.health).toBe('unhealthy.draining'));
    const shown = g.snapshot().find((t) => t.id === 'sick')!;
    expect(shown.drainingUntil! - Date.now()).toBeGreaterThan(500);
    // No new connections meanwhile: every pick is the healthy target.
    for (let i = 0; i < 4; i++) expect(g.pick({ clientIp: '127.0.0.1' })!.target.id).toBe('well');
    expect(terminated).toEqual([]);
    await eventually(() => expect(target.health).toBe('unhealthy'), { timeoutMs: 3_000 });
    expect(terminated).toEqual(['unhealthy']);
    expect(g.snapshot().find((t) => t.id === 'sick')!.drainingUntil).toBeUndefined();
  });

  it('a target that recovers within its draining interval is healthy again and keeps its connections', async () => {
    const { g, target, sick } = await twoHealthy({ unhealthyConnectionTermination: false, unhealthyDrainingIntervalSeconds: 30 });
    const { terminated } = watched(g, target);
    await sick.stop();
    await eventually(() => expect(target.health).toBe('unhealthy.draining'));
    await sick.start();
    await eventually(() => expect(target.health).toBe('healthy'));
    expect(g.snapshot().find((t) => t.id === 'sick')!.drainingUntil).toBeUndefined();
    expect(terminated).toEqual([]);
  });
});
