// The NLB UDP acceptance on the real Docker engine: udp-echo containers on ephemeral host ports are
// discovered into UDP target groups and Berth's UDP listeners (started by the engine from a config)
// carry flows to them: replies to the right client, idle expiry, the flow cap under a flood of
// source ports, and a flow moving when its container stops.
import * as dgram from 'node:dgram';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { configSchema, type BerthConfigInput } from '../../../shared/model/index.js';
import { BerthEngine } from '../../../main/engine/index.js';
import { createListener } from '../../../main/engine/listener-factory.js';
import type { ListenerRuntime } from '../../../main/engine/listener-runtime.js';
import { UdpListener } from '../../../main/nlb/udp-listener.js';
import { describeDocker, runId, startContainer, testDockerHost, type TestContainer } from '../../helpers/docker.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';
import { cleanup, udpClient } from './udp-fixtures.js';

const app = (name: string) => ({ [`t.udp.${runId}`]: name });

describeDocker('NLB UDP listeners forward to real containers', () => {
  let engine: BerthEngine;
  const ports = { echo: 0, idle: 0, capped: 0, rehome: 0 };
  const listeners = new Map<number, UdpListener>();
  const containers: Record<'echo' | 'rehome', TestContainer[]> = { echo: [], rehome: [] };
  const udp = (port: number) => listeners.get(port)!;

  beforeAll(async () => {
    for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort('udp');
    const started = await Promise.all([
      ...[1, 2].map(() => startContainer({ server: 'udp-echo', ports: ['8081/udp'], env: { ECHO_NAME: '1' }, labels: app('echo') })),
      ...[1, 2].map(() => startContainer({ server: 'udp-echo', ports: ['8081/udp'], env: { ECHO_NAME: '1' }, labels: app('rehome') })),
    ]);
    containers.echo = started.slice(0, 2);
    containers.rehome = started.slice(2);
    const listener = (port: number, group: string, extra: Record<string, number> = {}) => ({ port, protocol: 'UDP' as const, defaultAction: { forward: group }, ...extra });
    const group = (name: string) => ({
      name,
      protocol: 'UDP' as const,
      deregistrationDelaySeconds: 1,
      // No TCP port to check in a udp-echo container: health checks off, targets route at once.
      healthCheck: { enabled: false },
      targets: { docker: { labels: app(name), containerPort: 8081, protocol: 'udp' as const } },
    });
    const input: BerthConfigInput = {
      loadBalancers: [
        {
          name: 'nlb',
          type: 'network',
          listeners: [
            listener(ports.echo, 'echo'),
            listener(ports.idle, 'echo', { udpIdleTimeoutSeconds: 2 }),
            listener(ports.capped, 'echo', { udpMaxFlows: 100 }),
            listener(ports.rehome, 'rehome'),
          ],
        },
      ],
      targetGroups: [group('echo'), group('rehome')],
    };
    // The engine's own factory, with the listeners kept so the tests can read their flow counters.
    const factory = (ctx: Parameters<typeof createListener>[0]): ListenerRuntime => {
      const runtime = createListener(ctx);
      if (runtime instanceof UdpListener) listeners.set(ctx.listener.port, runtime);
      return runtime;
    };
    engine = new BerthEngine({ config: configSchema.parse(input), dataDir: '/tmp', dockerHost: testDockerHost(), listenerFactory: factory });
    await engine.start();
    await eventually(
      () => {
        const groups = engine.getState().targetGroups;
        const ready = (g: string) => groups.find((x) => x.name === g)!.targets.filter((t) => t.health === 'unavailable').length;
        expect([ready('echo'), ready('rehome')]).toEqual([2, 2]);
        expect(engine.getState().loadBalancers[0]!.listeners.map((l) => l.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
      },
      { timeoutMs: 30_000 },
    );
  }, 180_000);

  afterAll(async () => {
    await cleanup();
    await engine?.stop();
  });

  it('registers each container under its ephemeral UDP host port', () => {
    const echo = engine.getState().targetGroups.find((g) => g.name === 'echo')!;
    expect(echo.targets.map((t) => t.port).sort()).toEqual(containers.echo.map((c) => c.hostPort('8081/udp')).sort());
  });

  it('echoes for 50 client sockets, every reply reaching its own client', async () => {
    const clients = await Promise.all(Array.from({ length: 50 }, () => udpClient(ports.echo)));
    const replies = await Promise.all(clients.map((c, i) => c.ask(`client-${i}-${c.port}`, { timeoutMs: 30_000 })));
    const names = containers.echo.map((c) => c.name);
    replies.forEach((reply, i) => {
      const [name, payload] = reply.split(' ');
      expect(names).toContain(name);
      expect(payload).toBe(`client-${i}-${clients[i]!.port}`);
    });
    // Flows are spread over both containers, and each flow stays on its container.
    expect(new Set(replies.map((r) => r.split(' ')[0])).size).toBe(2);
    for (const [i, c] of clients.slice(0, 10).entries()) expect((await c.ask(`again-${i}-${c.port}`)).split(' ')[0]).toBe(replies[i]!.split(' ')[0]);
    expect(udp(ports.echo).stats.flowsActive).toBe(50);
  }, 90_000);

  it('expires flows after the listener’s idle timeout and records one flow each', async () => {
    const clients = await Promise.all(Array.from({ length: 5 }, () => udpClient(ports.idle)));
    await Promise.all(clients.map((c, i) => c.ask(`idle-${i}`)));
    expect(udp(ports.idle).stats.flowsActive).toBe(5);
    await eventually(() => expect(udp(ports.idle).stats.flowsActive).toBe(0), { timeoutMs: 30_000, intervalMs: 100 });
    expect(udp(ports.idle).stats.flowsExpired).toBe(5);
    const records = engine.recorder.recent(1000, { listener: `${ports.idle}/UDP` });
    expect(records).toHaveLength(5);
    for (const r of records) {
      expect(r).toMatchObject({ kind: 'udp', error: 'idle-timeout', targetGroup: 'echo', client: '127.0.0.1' });
      expect(r.durationMs).toBeGreaterThanOrEqual(1900);
      expect(r.packetsIn).toBeGreaterThanOrEqual(1);
      expect(r.bytesOut).toBeGreaterThan(r.bytesIn - 1);
    }
    // A new datagram after expiry is a new flow.
    await clients[0]!.ask('idle-again');
    expect(udp(ports.idle).stats.flowsCreated).toBe(6);
  }, 90_000);

  it('holds the flow cap under a flood of 2,000 source ports, counting evictions', async () => {
    const listener = udp(ports.capped);
    let maxSeen = 0;
    const sampler = setInterval(() => (maxSeen = Math.max(maxSeen, listener.stats.flowsActive)), 5);
    const sockets: dgram.Socket[] = [];
    try {
      // In batches of 200, so the 2,000 sockets are not all open at once on a small machine.
      for (let batch = 0; batch < 10; batch++) {
        const opened = await Promise.all(
          Array.from({ length: 200 }, async () => {
            const s = dgram.createSocket('udp4');
            s.on('error', () => undefined);
            await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
            return s;
          }),
        );
        sockets.push(...opened);
        for (const s of opened) s.send(`flood-${s.address().port}`, ports.capped, '127.0.0.1');
        await new Promise((resolve) => setTimeout(resolve, 50));
        maxSeen = Math.max(maxSeen, listener.stats.flowsActive);
        expect(listener.stats.flowsActive).toBeLessThanOrEqual(100);
      }
      await eventually(() => expect(listener.stats.flowsCreated).toBeGreaterThanOrEqual(1500), { timeoutMs: 30_000 });
    } finally {
      clearInterval(sampler);
      for (const s of sockets) s.close();
    }
    const stats = listener.stats;
    expect(stats.flowsActive).toBeLessThanOrEqual(100);
    expect(stats.flowsPeak).toBeLessThanOrEqual(100);
    expect(maxSeen).toBeLessThanOrEqual(100);
    expect(stats.flowsEvicted).toBe(stats.flowsCreated - stats.flowsActive);
    expect(stats.flowsEvicted).toBeGreaterThanOrEqual(1400);
    const evicted = engine.recorder.recent(10_000, { listener: `${ports.capped}/UDP` }).filter((r) => r.error === 'evicted');
    expect(evicted.length).toBe(stats.flowsEvicted);
  }, 120_000);

  it('moves a flow to the other container when its container is stopped', async () => {
    const client = await udpClient(ports.rehome);
    const first = (await client.ask('before')).split(' ')[0]!;
    const stopped = containers.rehome.find((c) => c.name === first)!;
    const other = containers.rehome.find((c) => c.name !== first)!;
    await stopped.stop();
    // The target drains for the group's 1 s deregistration delay, then the flow ends and the next
    // datagram opens a flow to the container still running.
    const after = await eventually(async () => {
      const reply = await client.ask(`after-${Date.now()}`, { timeoutMs: 3_000, retryMs: 250 });
      expect(reply.split(' ')[0]).toBe(other.name);
      return reply;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    expect(after.startsWith(other.name)).toBe(true);
    expect(udp(ports.rehome).stats.flowsRehomed).toBeGreaterThanOrEqual(1);
    const left = engine.recorder.recent(100, { listener: `${ports.rehome}/UDP` }).filter((r) => r.error === 'target-left');
    expect(left.map((r) => r.target)).toContain(`${stopped.name}:${stopped.hostPort('8081/udp')}`);
  }, 120_000);
});
