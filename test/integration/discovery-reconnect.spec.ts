// Discovery survives its Docker daemon going away: it keeps the last list (marked stale), reconnects
// on its own, and then matches reality again. Runs on private engine instance 1, because stopping
// the daemon of the shared instance 0 would break the files running beside this one.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DockerDiscovery, selectTargets } from '../../main/discovery/index.js';
import type { DockerSelector } from '../../shared/model/index.js';
import { describeDocker, ensureEngine, runId, type TestEngine } from '../helpers/docker.js';
import { eventually } from '../helpers/eventually.js';

const INSTANCE = 1;
const GROUP = 'dev.berth.test.group';

describeDocker(
  'Docker discovery across a daemon restart',
  () => {
    const group = `restart-${runId}`;
    const selector: DockerSelector = { labels: { [GROUP]: group }, containerPort: 8081 };
    let engine: TestEngine;
    let discovery: DockerDiscovery;

    beforeAll(async () => {
      engine = await ensureEngine(INSTANCE);
      // A short backoff cap keeps the test quick; the default (5 s) is for people, not tests.
      discovery = new DockerDiscovery({ dockerHost: engine.dockerHost, backoff: { initialMs: 100, maxMs: 1_000 } });
      await discovery.start();
    });
    afterAll(() => discovery?.stop());

    const targetIds = () =>
      selectTargets(selector, discovery.containers())
        .map((t) => `${t.host}:${t.port}=${t.containerName}`)
        .sort();

    /** What the engine itself says: running containers of the group and their published 8081. */
    async function reality(): Promise<string[]> {
      const running = await engine.docker.listContainers({ filters: { label: [`${GROUP}=${group}`], status: ['running'] } });
      return running
        .flatMap((c) => c.Ports.filter((p) => p.PrivatePort === 8081 && p.Type === 'tcp' && p.PublicPort).map((p) => `127.0.0.1:${p.PublicPort}=${c.Names[0]?.slice(1)}`))
        .sort();
    }

    it('keeps the last list while the daemon is down and matches reality once it is back', async () => {
      // Restart policies make the daemon itself start these while it boots, before discovery can
      // reconnect, and with host ports allocated afresh: exactly the changes discovery must not miss.
      const comeBack = await Promise.all([1, 2].map(() => engine.startContainer({ labels: { [GROUP]: group }, restartPolicy: 'always' })));
      const staysDown = await engine.startContainer({ labels: { [GROUP]: group } });
      const before = [...comeBack, staysDown].map((c) => `127.0.0.1:${c.hostPort()}=${c.name}`).sort();
      await eventually(() => expect(targetIds()).toEqual(before));

      await engine.stopDaemon();
      await eventually(() => expect(discovery.status()).toMatchObject({ connected: false, stale: true }));
      expect(discovery.status().error).toMatch(/^cannot reach Docker at unix:\/\//);
      // While stale, the last list stays. (The daemon stopped its containers on the way down and
      // discovery saw that, so they are listed as stopped: the last truth, not an empty list.)
      const kept = discovery.containers().filter((c) => c.labels[GROUP] === group);
      expect(kept.map((c) => c.name).sort()).toEqual([...comeBack, staysDown].map((c) => c.name).sort());

      await engine.startDaemon();
      // Started as soon as the daemon answers, typically while discovery is still in its backoff.
      const late = await engine.startContainer({ labels: { [GROUP]: group } });
      const lateWhileDisconnected = !discovery.status().connected;

      await eventually(
        async () => {
          expect(discovery.status()).toMatchObject({ connected: true, stale: false });
          const truth = await reality();
          expect(targetIds()).toEqual(truth);
          expect(truth).toHaveLength(3);
        },
        { timeoutMs: 30_000 },
      );
      const names = targetIds().map((id) => id.split('=')[1]);
      expect(names).toEqual(expect.arrayContaining([...comeBack.map((c) => c.name), late.name]));
      expect(names).not.toContain(staysDown.name);
      console.info(`[discovery-reconnect] the late container started while discovery was ${lateWhileDisconnected ? 'still disconnected' : 'already reconnected'}`);
    }, 120_000);
  },
  { instance: INSTANCE },
);
