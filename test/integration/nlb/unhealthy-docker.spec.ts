// A container that starts failing its health check behind a TCP listener, on the real engine: as on
// an NLB, its open connections are reset (by default), while connections to the healthy container
// carry on and new ones go there; a group with unhealthy connection termination off keeps them.
import * as net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BerthEngine } from '../../../main/engine/index.js';
import { configSchema } from '../../../shared/model/index.js';
import { describeDocker, runId, startContainer, testDockerHost, type TestContainer } from '../../helpers/docker.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';

/** One HTTP/1.1 exchange on an open (keep-alive) connection; resolves with the container's name. */
function ask(socket: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: Buffer) => {
      text += d.toString('latin1');
      // The echo server answers chunked; the last chunk ends the answer.
      if (!text.endsWith('\r\n0\r\n\r\n')) return;
      done();
      resolve(/^x-served-by: (.+)$/im.exec(text)?.[1]?.trim() ?? 'nobody');
    };
    const onEnd = () => {
      done();
      reject(new Error('the connection closed before the answer'));
    };
    const done = () => {
      socket.off('data', onData);
      socket.off('close', onEnd);
    };
    socket.on('data', onData);
    socket.once('close', onEnd);
    socket.write('GET /who HTTP/1.1\r\nHost: nlb.test\r\n\r\n');
  });
}

interface Open {
  socket: net.Socket;
  /** How the connection ended: 'ECONNRESET' for a reset, 'close' for an orderly end. */
  ended: Promise<string>;
}

/** Opens connections through `port` until one lands on `container`. */
async function openTo(port: number, container: TestContainer, spare: net.Socket[]): Promise<Open> {
  for (let i = 0; i < 20; i++) {
    const socket = net.connect(port, '127.0.0.1');
    let errorCode: string | undefined;
    const ended = new Promise<string>((resolve) => {
      socket.on('error', (err: NodeJS.ErrnoException) => (errorCode = err.code));
      socket.on('close', () => resolve(errorCode ?? 'close'));
    });
    if ((await ask(socket)) === container.name) return { socket, ended };
    spare.push(socket);
  }
  throw new Error(`no connection through ${port} reached ${container.name}`);
}

describeDocker('NLB: a target that turns unhealthy', () => {
  let engine: BerthEngine;
  let sick: TestContainer;
  let well: TestContainer;
  const ports = { reset: 0, keep: 0 };
  const sockets: net.Socket[] = [];
  const label = { [`t.unhealthy.${runId}`]: 'yes' };

  beforeAll(async () => {
    ports.reset = await freePort();
    ports.keep = await freePort();
    // Connections held open across health transitions: the server must not close them when idle.
    const env = { KEEP_ALIVE_MS: '120000' };
    [sick, well] = await Promise.all([startContainer({ labels: label, env }), startContainer({ labels: label, env })]);
    await Promise.all([sick.serving(), well.serving()]);
    // Both groups hold the same two containers; only termination differs.
    const group = (name: string, extra: Record<string, unknown>) => ({
      name,
      protocol: 'TCP',
      healthCheck: { protocol: 'HTTP', path: '/health', healthyThresholdCount: 2, unhealthyThresholdCount: 2 },
      targets: { docker: { labels: label, containerPort: 8081 } },
      ...extra,
    });
    const config = configSchema.parse({
      loadBalancers: [
        {
          name: 'nlb',
          type: 'network',
          listeners: [
            { port: ports.reset, protocol: 'TCP', defaultAction: { forward: 'reset' } },
            { port: ports.keep, protocol: 'TCP', defaultAction: { forward: 'keep' } },
          ],
        },
      ],
      targetGroups: [group('reset', {}), group('keep', { unhealthyConnectionTermination: false })],
    });
    engine = new BerthEngine({ config, dataDir: '/tmp', dockerHost: testDockerHost(), healthCheckIntervalMs: 200 });
    await engine.start();
    const healthy = (name: string) => engine.getState().targetGroups.find((g) => g.name === name)!.targets.filter((t) => t.health === 'healthy');
    await eventually(() => {
      expect(healthy('reset')).toHaveLength(2);
      expect(healthy('keep')).toHaveLength(2);
    }, { timeoutMs: 20_000 });
  }, 120_000);

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await engine?.stop();
  });

  it('resets its open connections, keeps those to the healthy target, and sends new ones there; termination off keeps them', async () => {
    const onSick = await openTo(ports.reset, sick, sockets);
    const onWell = await openTo(ports.reset, well, sockets);
    const kept = await openTo(ports.keep, sick, sockets);
    sockets.push(onSick.socket, onWell.socket, kept.socket);

    await (await fetch(sick.url('/__health/fail'), { method: 'POST' })).arrayBuffer();
    expect(await onSick.ended).toBe('ECONNRESET');
    const targets = engine.getState().targetGroups.find((g) => g.name === 'reset')!.targets;
    expect(targets.find((t) => t.containerName === sick.name)?.health).toBe('unhealthy');
    await eventually(() => {
      const record = engine.recorder.recent(100, { listener: `${ports.reset}/TCP` }).find((r) => r.error === 'unhealthy');
      expect(record?.target).toBe(`${sick.name}:${sick.hostPort()}`);
    });

    // The connection to the healthy container, and the one of the group that keeps them, still answer.
    expect(await ask(onWell.socket)).toBe(well.name);
    await eventually(() => expect(engine.getState().targetGroups.find((g) => g.name === 'keep')!.targets.find((t) => t.containerName === sick.name)?.health).toBe('unhealthy'));
    expect(await ask(kept.socket)).toBe(sick.name);
    // New connections go to the healthy container only.
    for (let i = 0; i < 4; i++) {
      const socket = net.connect(ports.reset, '127.0.0.1');
      sockets.push(socket);
      expect(await ask(socket)).toBe(well.name);
    }
  });
});
