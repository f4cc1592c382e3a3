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

  // Docker logs `die`, `pause` and `unpause` before its list shows them (by ~100 ms and ~10 ms on
  // Docker 20.10, more under load). Listing right after each event (no coalescing) makes that lag
  // certain: each event's word must stand until a list agrees, or the stale list would stay.
  describe('events read at once', () => {
    const group = `events-${runId}`;
    let eager: DockerDiscovery;
    const eagerTargets = () => selectTargets(selectorFor(group), eager.containers());

    beforeAll(async () => {
      eager = new DockerDiscovery({ dockerHost: engine.dockerHost, coalesceMs: 0, stoppingHoldMs: 2_000 });
      await eager.start();
    });
    afterAll(() => eager?.stop());

    it('follows pause and unpause though the list lags the event', async () => {
      const c = await engine.startContainer({ labels: { [GROUP]: group } });
      const state = () => eagerTargets().find((t) => t.containerName === c.name)?.state;
      await eventually(() => expect(state()).toBe('running'));
      for (let i = 0; i < 5; i++) {
        await c.pause();
        await eventually(() => expect(state()).toBe('paused'));
        await c.unpause();
        await eventually(() => expect(state()).toBe('running'));
      }
    });

    it('drops a container killed outright (die and no stop event)', async () => {
      const c = await engine.startContainer({ labels: { [GROUP]: group } });
      await eventually(() => expect(eagerTargets().map((t) => t.containerName)).toContain(c.name));
      await c.kill('SIGKILL');
      await eventually(() => expect(eagerTargets().map((t) => t.containerName)).not.toContain(c.name));
      expect(eager.containers().find((x) => x.id === c.id)?.state).toBe('exited');
    });

    it('takes a container out when Docker sends it a stop signal, while it still runs; HUP does not; a survived TERM gives it back', async () => {
      // It keeps serving 60 s after SIGTERM: Docker says running all along.
      const c = await engine.startContainer({ labels: { [GROUP]: group }, env: { GRACE_MS: '60000' } });
      const listed = () => eagerTargets().some((t) => t.containerName === c.name);
      await eventually(() => expect(listed()).toBe(true));

      await c.kill('SIGHUP');
      // A reload signal: the container stays a target (sampled for a second, well past the event's way here).
      for (const until = Date.now() + 1_000; Date.now() < until; ) {
        expect(listed()).toBe(true);
        await new Promise((r) => setTimeout(r, 20));
      }

      await c.kill('SIGTERM');
      await eventually(() => expect(listed()).toBe(false));
      expect(eager.containers().find((x) => x.id === c.id)).toMatchObject({ state: 'running', stopping: true });
      expect((await engine.docker.getContainer(c.id).inspect()).State.Running).toBe(true);
      // Still running when the 2 s hold ends: the signal did not stop it, so it is a target again.
      await eventually(() => expect(listed()).toBe(true), { timeoutMs: 15_000 });
      expect(eager.containers().find((x) => x.id === c.id)?.stopping).toBeUndefined();
      await c.remove();
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
