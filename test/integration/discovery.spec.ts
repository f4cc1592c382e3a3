// Discovery against the real test engine: containers started, stopped and removed through the
// Docker API show up in (and leave) the targets of a selector, at the host ports Docker chose.
// The daemon-restart case lives in discovery-reconnect.spec.ts, on a private engine instance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerDiscovery, selectTargets, type ContainerSnapshot } from '../../main/discovery/index.js';
import type { DockerSelector } from '../../shared/model/index.js';
import { describeDocker, ensureEngine, runId, type TestContainer, type TestEngine } from '../helpers/docker.js';
import { eventually } from '../helpers/eventually.js';

const GROUP = 'dev.berth.test.group';

describeDocker('Docker discovery', () => {
  let engine: TestEngine;
  let discovery: DockerDiscovery;
  const emitted: string[] = [];

  beforeAll(async () => {
    engine = await ensureEngine();
    discovery = new DockerDiscovery({ dockerHost: engine.dockerHost });
    discovery.on('snapshot', (containers: ContainerSnapshot[]) => emitted.push(JSON.stringify(containers)));
    await discovery.start();
    expect(discovery.status()).toMatchObject({ connected: true, stale: false, endpoint: engine.dockerHost, source: '--docker-host' });
  });
  afterAll(() => discovery?.stop());

  const selectorFor = (group: string): DockerSelector => ({ labels: { [GROUP]: group }, containerPort: 8081 });
  const targetIds = (group: string) => selectTargets(selectorFor(group), discovery.containers()).map((t) => `${t.host}:${t.port}=${t.containerName}`);
  const expected = (containers: TestContainer[]) => containers.map((c) => `127.0.0.1:${c.hostPort()}=${c.name}`).sort();

  describe('a group of three', () => {
    const group = `trio-${runId}`;
    let trio: TestContainer[];

    it('finds the three labelled containers at their ephemeral host ports, and not the others', async () => {
      trio = await Promise.all([1, 2, 3].map(() => engine.startContainer({ labels: { [GROUP]: group } })));
      const otherPort = await engine.startContainer({ labels: { [GROUP]: group }, ports: ['9090/tcp'] });
      const unlabelled = await engine.startContainer();

      await eventually(() => expect(targetIds(group).sort()).toEqual(expected(trio)));
      // The two outsiders were seen, and still are not targets: excluded, not merely not listed yet.
      await eventually(() => expect(discovery.containers().map((c) => c.name)).toEqual(expect.arrayContaining([otherPort.name, unlabelled.name])));
      expect(targetIds(group).sort()).toEqual(expected(trio));

      // The ports are real: each target answers as its own container.
      for (const target of selectTargets(selectorFor(group), discovery.containers())) {
        const body = (await eventually(async () => (await fetch(`http://${target.host}:${target.port}/who`)).json())) as { name: string };
        expect(body.name).toBe(target.containerName);
      }
    });

    it('drops a stopped container and takes it back at its new host port when started again', async () => {
      const [, middle] = trio as [TestContainer, TestContainer, TestContainer];
      const others = trio.filter((c) => c !== middle);
      await middle.stop();
      await eventually(() => expect(targetIds(group).sort()).toEqual(expected(others)));

      await middle.start();
      await eventually(() => expect(targetIds(group).sort()).toEqual(expected(trio)));
    });

    it('marks a paused container paused instead of dropping it', async () => {
      const [first] = trio as [TestContainer];
      await first.pause();
      const state = () => selectTargets(selectorFor(group), discovery.containers()).find((t) => t.containerName === first.name)?.state;
      await eventually(() => expect(state()).toBe('paused'));
      await first.unpause();
      await eventually(() => expect(state()).toBe('running'));
    });

    it('emits a snapshot only when the list changed', () => {
      const repeats = emitted.filter((json, i) => i > 0 && json === emitted[i - 1]);
      expect(repeats).toEqual([]);
      expect(emitted.length).toBeGreaterThan(3);
    });
  });

  it('ends exact after 50 containers are started and removed in a burst', async () => {
    const group = `burst-${runId}`;
    const burst = await Promise.all(Array.from({ length: 50 }, () => engine.startContainer({ labels: { [GROUP]: group } })));
    await eventually(() => expect(targetIds(group).sort()).toEqual(expected(burst)), { timeoutMs: 30_000 });
    const ids = targetIds(group);
    expect(new Set(ids).size).toBe(50);

    await Promise.all(burst.map((c) => c.remove()));
    await eventually(() => expect(discovery.containers().filter((c) => c.labels[GROUP] === group)).toEqual([]), { timeoutMs: 30_000 });
    expect(targetIds(group)).toEqual([]);
    // And the engine agrees: nothing of the burst is left behind.
    const left = await engine.docker.listContainers({ all: true, filters: { label: [`${GROUP}=${group}`] } });
    expect(left).toEqual([]);
  }, 180_000);
});

describe('Docker discovery without an engine', () => {
  it('starts anyway and reports where it looked and why it failed', async () => {
    const discovery = new DockerDiscovery({ dockerHost: 'unix:///nonexistent/berth-test.sock', backoff: { initialMs: 50, maxMs: 50 } });
    const statuses: unknown[] = [];
    discovery.on('status', (s) => statuses.push(s));
    await discovery.start();
    try {
      expect(discovery.containers()).toEqual([]);
      expect(discovery.status()).toMatchObject({ connected: false, stale: false, endpoint: 'unix:///nonexistent/berth-test.sock', source: '--docker-host' });
      expect(discovery.status().error).toMatch(/^cannot reach Docker at unix:\/\/\/nonexistent\/berth-test\.sock \(from --docker-host\): .*ENOENT/);
      expect(statuses).toEqual([discovery.status()]);
    } finally {
      await discovery.stop();
    }
  });
});
