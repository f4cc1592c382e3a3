// A TCP_UDP listener in front of a container that answers on one container port over TCP and UDP,
// on the real engine. Docker publishes `8081/tcp` and `8081/udp` on two different host ports (it picks
// ephemeral ones per protocol, which may or may not coincide; here the UDP one is held below Docker's
// range so they differ); Berth pairs them into one target, so TCP connections and UDP datagrams both
// reach it.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BerthEngine } from '../../../main/engine/index.js';
import { configSchema } from '../../../shared/model/index.js';
import { describeDocker, runId, startContainer, testDockerHost, type TestContainer } from '../../helpers/docker.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';
import { cleanup, udpClient } from './udp-fixtures.js';

/** A free UDP port under 32768, where neither Docker nor the kernel hands out ephemeral ports. */
async function udpPortBelowEphemeral(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    const socket = dgram.createSocket('udp4');
    const free = await new Promise<boolean>((resolve) => {
      socket.once('error', () => resolve(false));
      socket.bind(candidate, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
      return candidate;
    }
  }
  throw new Error('no free UDP port found in 20000-32000');
}

describeDocker('TCP_UDP listener with a Docker target', () => {
  let engine: BerthEngine;
  let dns: TestContainer;
  let port: number;
  const label = { [`t.tcpudp.${runId}`]: 'dns' };

  beforeAll(async () => {
    port = await freePort('tcp');
    dns = await startContainer({
      command: ['node', '/srv/tcp-udp-echo.js'],
      ports: ['8081/tcp', '8081/udp'],
      hostPorts: { '8081/udp': await udpPortBelowEphemeral() },
      env: { GREETING: 'tcp {name}', ECHO_NAME: '1' },
      labels: label,
    });
    const config = configSchema.parse({
      loadBalancers: [{ name: 'nlb', type: 'network', listeners: [{ port, protocol: 'TCP_UDP', defaultAction: { forward: 'dns' } }] }],
      targetGroups: [{ name: 'dns', protocol: 'TCP_UDP', healthCheck: { protocol: 'TCP' }, targets: { docker: { labels: label, containerPort: 8081 } } }],
    });
    engine = new BerthEngine({ config, dataDir: '/tmp', dockerHost: testDockerHost(), healthCheckIntervalMs: 200 });
    await engine.start();
    await eventually(() => expect(engine.getState().targetGroups[0]!.targets.map((t) => t.health)).toEqual(['healthy']), { timeoutMs: 20_000 });
  }, 120_000);

  afterAll(async () => {
    await cleanup();
    await engine?.stop();
  });

  it('pairs the two host ports into one target and carries TCP and UDP to it', async () => {
    const tcpPort = dns.hostPort('8081/tcp');
    const udpPort = dns.hostPort('8081/udp');
    expect(udpPort).not.toBe(tcpPort);
    const [target] = engine.getState().targetGroups[0]!.targets;
    expect(target).toMatchObject({ id: `${dns.name}:${tcpPort}`, port: tcpPort, udpPort });

    const socket = net.connect(port, '127.0.0.1');
    const greeting = await new Promise<string>((resolve, reject) => {
      socket.once('data', (d) => resolve(d.toString().trim()));
      socket.once('error', reject);
    });
    socket.destroy();
    expect(greeting).toBe(`tcp ${dns.name}`);

    const client = await udpClient(port);
    expect(await client.ask('ping')).toBe(`${dns.name} ping`);
    await eventually(() => expect(engine.recorder.recent(10, { listener: `${port}/TCP_UDP` }).map((r) => r.kind).sort()).toContain('tcp'));
  });
});
