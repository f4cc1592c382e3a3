// The NLB acceptance on the real Docker engine: Berth's engine with TCP and TLS listeners in front
// of echo containers on ephemeral host ports — 100 MB both ways, 1,000 connections at once,
// half-close, PROXY v2 as a container reads it, TLS verified by openssl, SNI pass-through to
// containers with their own certificates, and a container stopped in the middle of transfers.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCaExport } from '../../../main/cli/ca-command.js';
import { BerthEngine } from '../../../main/engine/index.js';
import { configSchema, type TrafficRecord } from '../../../shared/model/index.js';
import { describeDocker, runId, startContainer, testDockerHost, type TestContainer } from '../../helpers/docker.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';
import { exec } from '../tls/tls-fixtures.js';
import { exchange, pattern, selfSigned, sha256, tlsHello } from './nlb-fixtures.js';

const app = (name: string) => ({ [`t.nlb.${runId}`]: name });
const quiet = { stdout: () => undefined, stderr: () => undefined };

describeDocker('NLB listeners in front of real containers', () => {
  let engine: BerthEngine;
  let tmp: TempDir;
  const ports = { echo: 0, proxied: 0, sni: 0, tls: 0, victims: 0 };
  let echo: TestContainer[];
  let victims: TestContainer[];
  let tlsTargets: TestContainer[];

  const groupTargets = (name: string) => engine.getState().targetGroups.find((g) => g.name === name)!.targets;
  const records = (listenerPort: number): TrafficRecord[] => engine.recorder.recent(5000, { listener: `${listenerPort}/TCP` });

  beforeAll(async () => {
    tmp = await tempDir('berth-nlb-docker-');
    for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
    const refused = await freePort();
    const [a, b] = await Promise.all([selfSigned('a.pt.localhost'), selfSigned('b.pt.localhost')]);
    const tlsServer = (group: string, identity: { key: string; cert: string }) =>
      startContainer({ labels: app(group), command: ['node', '/srv/tls-echo.js'], ports: ['8443/tcp'], env: { PORT: '8443', TLS_KEY: identity.key, TLS_CERT: identity.cert } });
    const [e1, e2, v1, v2, p1, ta, tb] = await Promise.all([
      startContainer({ server: 'tcp-echo', labels: app('echo') }),
      startContainer({ server: 'tcp-echo', labels: app('echo') }),
      startContainer({ server: 'tcp-echo', labels: app('victims'), env: { GREETING: '{name}' } }),
      startContainer({ server: 'tcp-echo', labels: app('victims'), env: { GREETING: '{name}' } }),
      startContainer({ labels: app('proxied'), command: ['node', '/srv/proxy-v2-echo.js'] }),
      tlsServer('tls-a', a),
      tlsServer('tls-b', b),
    ]);
    echo = [e1!, e2!];
    victims = [v1!, v2!];
    tlsTargets = [ta!, tb!];
    void p1;
    const group = (name: string, extra: Record<string, unknown> = {}, containerPort = 8081) => ({
      name,
      protocol: 'TCP' as const,
      deregistrationDelaySeconds: 2,
      targets: { docker: { labels: app(name), containerPort } },
      ...extra,
    });
    const config = configSchema.parse({
      loadBalancers: [
        {
          name: 'nlb',
          type: 'network',
          listeners: [
            { port: ports.echo, protocol: 'TCP', defaultAction: { forward: 'echo' } },
            { port: ports.proxied, protocol: 'TCP', defaultAction: { forward: 'proxied' } },
            { port: ports.victims, protocol: 'TCP', defaultAction: { forward: 'victims' } },
            {
              port: ports.sni,
              protocol: 'TCP',
              defaultAction: { forward: 'tls-a' },
              rules: [
                { priority: 10, conditions: { sni: ['a.pt.localhost'] }, action: { forward: 'tls-a' } },
                { priority: 20, conditions: { sni: ['*.pt.localhost'] }, action: { forward: 'tls-b' } },
              ],
            },
            { port: ports.tls, protocol: 'TLS', certificates: 'auto', hostnames: ['echo.nlb.test'], defaultAction: { forward: 'echo' } },
          ],
        },
      ],
      targetGroups: [
        group('echo'),
        group('proxied', { proxyProtocolV2: true }),
        // Health checks off and a static target nobody listens on: connections that pick it first
        // must fail over to a container.
        { ...group('victims', { healthCheck: { enabled: false } }), targets: { docker: { labels: app('victims'), containerPort: 8081 }, static: [`127.0.0.1:${refused}`] } },
        group('tls-a', {}, 8443),
        group('tls-b', {}, 8443),
      ],
    });
    engine = new BerthEngine({ config, dataDir: join(tmp.path, 'data'), dockerHost: testDockerHost(), healthCheckIntervalMs: 200 });
    await engine.start();
    await eventually(() => {
      const healthy = (g: string) => groupTargets(g).filter((t) => t.health === 'healthy').length;
      expect([healthy('echo'), healthy('proxied'), healthy('tls-a'), healthy('tls-b'), groupTargets('victims').length]).toEqual([2, 1, 1, 1, 3]);
    }, { timeoutMs: 30_000 });
  }, 180_000);

  afterAll(async () => {
    await engine?.stop();
    await tmp?.remove();
  });

  it('echoes 100 MB both ways through a container, SHA-256 identical', async () => {
    const size = 100 * 1024 * 1024;
    const payload = pattern(size, 3);
    const started = performance.now();
    const received = await new Promise<{ hash: string; bytes: number }>((resolve, reject) => {
      const socket = net.connect({ port: ports.echo, host: '127.0.0.1', allowHalfOpen: true });
      const hash = createHash('sha256');
      let bytes = 0;
      socket.on('data', (c: Buffer) => {
        hash.update(c);
        bytes += c.length;
      });
      socket.on('end', () => {
        socket.end();
        resolve({ hash: hash.digest('hex'), bytes });
      });
      socket.on('error', reject);
      socket.end(payload);
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(`[tcp 100 MB] echoed in ${seconds.toFixed(1)} s (${((2 * size) / 1048576 / seconds).toFixed(0)} MB/s both ways together)`);
    expect(received.bytes).toBe(size);
    expect(received.hash).toBe(sha256(payload));
  }, 180_000);

  it('1,000 concurrent connections all echo correctly', async () => {
    const sockets = await Promise.all(
      Array.from({ length: 1000 }, () =>
        new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect({ port: ports.echo, host: '127.0.0.1', allowHalfOpen: true }, () => resolve(s));
          s.once('error', reject);
        }),
      ),
    );
    // All 1,000 are open at the same time before any of them sends.
    const results = await Promise.all(
      sockets.map((s, i) =>
        new Promise<boolean>((resolve, reject) => {
          const message = `connection ${i} `.repeat(50);
          let got = '';
          s.on('data', (c: Buffer) => (got += c.toString('latin1')));
          s.on('end', () => {
            s.end();
            resolve(got === message);
          });
          s.on('error', reject);
          s.end(message);
        }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1000);
    await eventually(() => expect(records(ports.echo).filter((r) => r.error === undefined && r.bytesOut > 0).length).toBeGreaterThanOrEqual(1000), { timeoutMs: 30_000 });
    const byTarget = new Map<string, number>();
    for (const r of records(ports.echo)) byTarget.set(r.target ?? '-', (byTarget.get(r.target ?? '-') ?? 0) + 1);
    expect([...byTarget.keys()].filter((k) => k !== '-').sort()).toEqual(echo.map((c) => `${c.name}:${c.hostPort()}`).sort());
  }, 180_000);

  it('half-close: after the client ends, the rest of the data still comes back', async () => {
    const payload = pattern(5 * 1024 * 1024, 9);
    const { data, ended } = await exchange(ports.echo, payload);
    expect(ended).toBe('end');
    expect(sha256(data)).toBe(sha256(payload));
  }, 60_000);

  it('a container reads and checks the PROXY v2 header: client address and port, listener address and port', async () => {
    const { line, localPort, rest } = await new Promise<{ line: string; localPort: number; rest: string }>((resolve, reject) => {
      const socket = net.connect({ port: ports.proxied, host: '127.0.0.1' }, () => socket.write('after the header'));
      let text = '';
      socket.on('data', (c: Buffer) => {
        text += c.toString('utf8');
        const nl = text.indexOf('\n');
        if (nl >= 0 && text.length >= nl + 1 + 'after the header'.length) {
          resolve({ line: text.slice(0, nl), localPort: socket.localPort!, rest: text.slice(nl + 1) });
          socket.destroy();
        }
      });
      socket.on('error', reject);
    });
    expect(JSON.parse(line)).toEqual({
      name: expect.any(String),
      versionCommand: 0x21,
      family: 0x11,
      length: 12,
      source: '127.0.0.1',
      sourcePort: localPort,
      destination: '127.0.0.1',
      destinationPort: ports.proxied,
    });
    expect(rest).toBe('after the header');
  }, 60_000);

  it('TLS listener: openssl s_client verifies with Berth’s exported root (return code 0)', async () => {
    const rootFile = join(tmp.path, 'root.pem');
    expect(await runCaExport(join(tmp.path, 'data'), { out: rootFile }, quiet)).toBe(0);
    for (const name of ['echo.nlb.test', 'api.demo.localhost']) {
      const run = await exec('openssl', ['s_client', '-connect', `127.0.0.1:${ports.tls}`, '-servername', name, '-CAfile', rootFile, '-verify_return_error', '-verify_hostname', name], { timeoutMs: 30_000 });
      expect(run.stdout).toContain('Verify return code: 0 (ok)');
      expect(run.code).toBe(0);
    }
    // And the plaintext reaches an echo container and comes back.
    const ca = await import('node:fs/promises').then((fs) => fs.readFile(rootFile, 'utf8'));
    const echoed = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: ports.tls, servername: 'echo.nlb.test', ca }, () => socket.end('through TLS to a container'));
      let got = '';
      socket.on('data', (c: Buffer) => (got += c.toString('utf8')));
      socket.on('end', () => resolve(got));
      socket.on('error', reject);
    });
    expect(echoed).toBe('through TLS to a container');
    await eventually(() => expect(engine.recorder.recent(50, { listener: `${ports.tls}/TLS` }).some((r) => r.kind === 'tls' && r.targetGroup === 'echo' && r.target)).toBe(true));
  }, 90_000);

  it('SNI pass-through: each name reaches its own group, and the client sees the container’s own certificate', async () => {
    const a = await tlsHello(ports.sni, 'a.pt.localhost');
    const b = await tlsHello(ports.sni, 'b.pt.localhost');
    expect(a).toMatchObject({ cn: 'a.pt.localhost', line: `${tlsTargets[0]!.name} a.pt.localhost` });
    expect(b).toMatchObject({ cn: 'b.pt.localhost', line: `${tlsTargets[1]!.name} b.pt.localhost` });
    const other = await tlsHello(ports.sni, 'nothing.example');
    expect(other.line).toBe(`${tlsTargets[0]!.name} nothing.example`);
    await eventually(() => expect(records(ports.sni).map((r) => [r.rule, r.targetGroup])).toEqual([['10', 'tls-a'], ['20', 'tls-b'], ['default', 'tls-a']]));
  }, 60_000);

  it('a container stopped mid-transfer: other connections carry on, new ones go to the remaining target', async () => {
    const greet = () =>
      new Promise<{ socket: net.Socket; name: string }>((resolve, reject) => {
        const socket = net.connect({ port: ports.victims, host: '127.0.0.1' });
        let text = '';
        const onData = (c: Buffer) => {
          text += c.toString('utf8');
          const nl = text.indexOf('\n');
          if (nl < 0) return;
          socket.off('data', onData);
          socket.pause();
          resolve({ socket, name: text.slice(0, nl) });
        };
        socket.on('data', onData);
        socket.once('error', reject);
      });
    /** Sends a block and waits for its echo; rejects if the connection closes first. */
    const roundTrip = (socket: net.Socket, block: Buffer) =>
      new Promise<void>((resolve, reject) => {
        if (socket.destroyed || socket.readableEnded) return reject(new Error('closed'));
        let got = 0;
        const onClose = () => reject(new Error('closed'));
        const onData = (c: Buffer) => {
          got += c.length;
          if (got < block.length) return;
          socket.off('data', onData);
          socket.off('close', onClose);
          socket.pause();
          resolve();
        };
        socket.on('data', onData);
        socket.once('close', onClose);
        socket.resume();
        socket.write(block);
      });
    const open = await Promise.all(Array.from({ length: 8 }, greet));
    for (const o of open) o.socket.on('error', () => undefined);
    // The static target refuses; every connection failed over to a container.
    const [victim, survivor] = victims;
    expect(new Set(open.map((o) => o.name))).toEqual(new Set([victim!.name, survivor!.name]));
    const block = pattern(256 * 1024, 5);
    // Transfers run on every connection until 10 rounds after the victim has stopped.
    let stopped = false;
    const transfers = open.map(async (o) => {
      let after = 0;
      try {
        while (after < 10) {
          await roundTrip(o.socket, block);
          if (stopped) after++;
        }
        return { name: o.name, ok: true };
      } catch {
        return { name: o.name, ok: false };
      }
    });
    await victim!.stop();
    stopped = true;
    const outcome = await Promise.all(transfers);
    // The survivor's connections carry on; the victim's end with it.
    expect(outcome.filter((o) => o.name === survivor!.name).map((o) => o.ok)).toEqual(open.filter((o) => o.name === survivor!.name).map(() => true));
    expect(outcome.filter((o) => o.name === victim!.name).map((o) => o.ok)).toEqual(open.filter((o) => o.name === victim!.name).map(() => false));
    open.forEach((o) => o.socket.destroy());
    // New connections reach only the remaining container (the stopped one is draining or refused).
    const fresh = await Promise.all(Array.from({ length: 8 }, greet));
    fresh.forEach((f) => f.socket.destroy());
    expect(fresh.map((f) => f.name)).toEqual(new Array(8).fill(survivor!.name));
    await eventually(() => expect(groupTargets('victims').find((t) => t.containerName === victim!.name)?.health ?? 'gone').not.toBe('unavailable'), { timeoutMs: 30_000 });
  }, 180_000);
});
