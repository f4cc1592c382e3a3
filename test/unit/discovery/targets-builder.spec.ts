// The selector → targets policy, table-driven over the captured container list.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DockerSelector } from '../../../shared/model/index.js';
import { globToRegExp, imageMatches, selectTargets, snapshotsFromList, type ListedContainer } from '../../../main/discovery/index.js';

const listed = JSON.parse(readFileSync(new URL('../../fixtures/discovery/list-containers.json', import.meta.url), 'utf8')) as ListedContainer[];
const { containers } = snapshotsFromList(listed);
const ids = (selector: DockerSelector) => selectTargets(selector, containers).map((t) => t.id);

describe('selectTargets', () => {
  it.each<[string, DockerSelector, string[]]>([
    ['all labels must match', { labels: { 'berth.group': 'api' }, containerPort: 8081 }, ['api-healthy:32773', 'api-starting:32775', 'api-unhealthy:32774']],
    ['a label value that differs excludes', { labels: { 'berth.group': 'web', 'com.docker.compose.service': 'db' }, containerPort: 8081 }, []],
    ['no criteria: every container publishing the port', { containerPort: 8081 }, [
      'api-healthy:32773', 'api-starting:32775', 'api-unhealthy:32774', 'dns-1:32776', 'paused-1:32777', 'v6-only:32781', 'web-1:9000', 'web-1:32772',
    ]],
    ['compose project and service', { composeProject: 'shop', composeService: 'web', containerPort: 8081 }, ['web-1:9000', 'web-1:32772']],
    ['compose project, another container port', { composeProject: 'shop', containerPort: 80 }, ['shop-web-2:32780']],
    ['container name glob with *', { containerName: 'api-*', containerPort: 8081 }, ['api-healthy:32773', 'api-starting:32775', 'api-unhealthy:32774']],
    ['container name glob with ?', { containerName: 'web-?', containerPort: 8081 }, ['web-1:9000', 'web-1:32772']],
    ['image glob without tag matches any tag', { image: 'nginx', containerPort: 80 }, ['shop-web-2:32780']],
    ['image with another tag does not match', { image: 'nginx:1.25', containerPort: 80 }, []],
    ['image glob across registry and digest', { image: 'registry.local:5000/team/*', containerPort: 8081 }, ['v6-only:32781']],
    ['udp is asked for explicitly', { containerPort: 8081, protocol: 'udp' }, ['dns-1:32769']],
    ['a port that is only exposed is no target', { containerName: 'unpublished', containerPort: 8081 }, []],
    ['stopped and created containers are no targets', { labels: { 'berth.group': 'web' }, containerPort: 8081 }, ['paused-1:32777', 'web-1:9000', 'web-1:32772']],
  ])('%s', (_, selector, expected) => {
    expect(ids(selector)).toEqual(expected);
  });

  it('a container being stopped (a stop signal sent, still running) is no target', () => {
    const marked = containers.map((c) => (c.name === 'web-1' ? { ...c, stopping: true as const } : c));
    expect(selectTargets({ labels: { 'berth.group': 'web' }, containerPort: 8081 }, marked).map((t) => t.id)).toEqual(['paused-1:32777']);
  });

  it('describes a target fully, connecting to loopback for wildcard binds', () => {
    expect(selectTargets({ composeProject: 'shop', containerPort: 80 }, containers)).toEqual([
      {
        id: 'shop-web-2:32780',
        host: '127.0.0.1',
        port: 32780,
        containerId: 'b7d1e0c4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6',
        containerName: 'shop-web-2',
        image: 'nginx:1.27',
        state: 'running',
        dockerHealth: 'healthy',
      },
    ]);
    expect(selectTargets({ containerName: 'v6-only', containerPort: 8081 }, containers)[0]?.host).toBe('::1');
    expect(selectTargets({ containerName: 'web-1', containerPort: 8081 }, containers)[0]?.host).toBe('127.0.0.1');
  });

  it('returns paused containers marked paused and carries Docker health', () => {
    const [paused] = selectTargets({ containerName: 'paused-1', containerPort: 8081 }, containers);
    expect(paused).toMatchObject({ state: 'paused', dockerHealth: 'none' });
    const [unhealthy] = selectTargets({ containerName: 'api-unhealthy', containerPort: 8081 }, containers);
    expect(unhealthy).toMatchObject({ state: 'running', dockerHealth: 'unhealthy' });
  });

  it('pairs each TCP target with the UDP side of its container port for TCP_UDP groups', () => {
    const paired = selectTargets({ containerPort: 8081 }, containers, { pairUdp: true });
    // dns-1 publishes 8081/tcp on 32776 and 8081/udp on 32769: Docker chose each port on its own.
    expect(paired.find((t) => t.id === 'dns-1:32776')?.udpPort).toBe(32769);
    expect(paired.filter((t) => t.udpPort !== undefined).map((t) => t.id)).toEqual(['dns-1:32776']);
    // Without pairing, or when the selector asks for UDP itself, there is nothing to pair.
    expect(selectTargets({ containerPort: 8081 }, containers).some((t) => t.udpPort !== undefined)).toBe(false);
    expect(selectTargets({ containerPort: 8081, protocol: 'udp' }, containers, { pairUdp: true })[0]).not.toHaveProperty('udpPort');
  });

  it('pairs a port published on the same host port for both protocols with itself, others in order', () => {
    const port = (protocol: 'tcp' | 'udp', hostPort: number) => ({ containerPort: 53, protocol, hostIp: '127.0.0.1', hostPort });
    const dns = { ...containers[0]!, name: 'dns', ports: [port('tcp', 5300), port('tcp', 40001), port('udp', 5300), port('udp', 40007)] };
    const paired = selectTargets({ containerName: 'dns', containerPort: 53 }, [dns], { pairUdp: true });
    expect(paired.map((t) => [t.id, t.udpPort])).toEqual([['dns:5300', 5300], ['dns:40001', 40007]]);
  });

  it('takes the protocol from the group when the selector names none', () => {
    // dns-1 publishes 8081/udp on 32769: a UDP group's selector finds it without `protocol: udp`.
    expect(selectTargets({ containerName: 'dns-1', containerPort: 8081 }, containers, { defaultProtocol: 'udp' }).map((t) => t.id)).toEqual(['dns-1:32769']);
    // An explicit protocol still wins over the group's default.
    expect(selectTargets({ containerName: 'dns-1', containerPort: 8081, protocol: 'tcp' }, containers, { defaultProtocol: 'udp' }).map((t) => t.id)).toEqual(['dns-1:32776']);
  });

  it('is empty for an empty snapshot', () => {
    expect(selectTargets({ containerPort: 8081 }, [])).toEqual([]);
  });
});

describe('globs', () => {
  it.each([
    ['web-*', 'web-1', true],
    ['web-*', 'api-1', false],
    ['w?b', 'web', true],
    ['w?b', 'weeb', false],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
  ] as const)('%s on %s → %s', (glob, value, expected) => {
    expect(globToRegExp(glob).test(value)).toBe(expected);
  });

  it.each([
    ['nginx', 'nginx:1.27', true],
    ['nginx', 'nginx', true],
    ['nginx:*', 'nginx:1.27', true],
    ['nginx:1.27', 'nginx:1.25', false],
    ['registry.local:5000/team/api', 'registry.local:5000/team/api@sha256:0123', true],
    ['registry.local:5000/*', 'registry.local:5000/team/api:2', true],
    ['team/api', 'registry.local:5000/team/api', false],
  ] as const)('image %s on %s → %s', (pattern, image, expected) => {
    expect(imageMatches(pattern, image)).toBe(expected);
  });
});
