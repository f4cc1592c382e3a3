// The conversion from Docker API JSON (captured from a real engine, plus entries newer engines
// produce) into container snapshots.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { healthFromStatus, snapshotFromInspect, snapshotsFromList, type InspectedContainer, type ListedContainer } from '../../../main/discovery/index.js';

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../../fixtures/discovery/${name}`, import.meta.url), 'utf8')) as T;
const listed = fixture<ListedContainer[]>('list-containers.json');
const { containers, skipped } = snapshotsFromList(listed);
const byName = (name: string) => {
  const found = containers.find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name} in the fixture`);
  return found;
};

describe('snapshotsFromList', () => {
  it('keeps every entry with an Id, sorted by name, and reports the one without', () => {
    expect(containers.map((c) => c.name)).toEqual([
      'api-healthy', 'api-starting', 'api-unhealthy', 'created-1', 'dns-1', 'exited-1', 'paused-1', 'shop-web-2', 'unpublished', 'v6-only', 'web-1',
    ]);
    expect(skipped).toEqual([{ container: '/no-id', reason: 'the Docker API returned a container without an Id' }]);
  });

  it('reads id, name without the slash, image, labels and compose project/service', () => {
    expect(byName('web-1')).toMatchObject({
      id: '9e496705bdbc638f1798878f0936306db15cf94245c2d63bc9f5a5833f8ae1a0',
      name: 'web-1',
      image: 'berth-test',
      labels: { 'berth.group': 'web', 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
      composeProject: 'shop',
      composeService: 'web',
    });
    expect(byName('dns-1')).not.toHaveProperty('composeProject');
  });

  it.each([
    ['api-healthy', 'running'],
    ['paused-1', 'paused'],
    ['exited-1', 'exited'],
    ['created-1', 'created'],
  ] as const)('%s is %s', (name, state) => {
    expect(byName(name).state).toBe(state);
  });

  it.each([
    ['api-healthy', 'healthy'],
    ['api-unhealthy', 'unhealthy'],
    ['api-starting', 'starting'],
    ['web-1', 'none'],
    ['shop-web-2', 'healthy'],
  ] as const)('%s has Docker health %s', (name, health) => {
    expect(byName(name).health).toBe(health);
  });

  it('lists only published ports, each host port of a container port separately', () => {
    expect(byName('unpublished').ports).toEqual([]);
    expect(byName('web-1').ports).toEqual([
      { containerPort: 8081, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 9000 },
      { containerPort: 8081, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 32772 },
    ]);
    expect(byName('dns-1').ports.map((p) => `${p.protocol}:${p.hostPort}`)).toEqual(['tcp:32776', 'udp:32769']);
  });

  it('counts a port published on both 0.0.0.0 and :: once, as IPv4', () => {
    expect(byName('shop-web-2').ports).toEqual([{ containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 32780 }]);
  });

  it('keeps an IPv6-only port, drops SCTP, and picks the own name over a link alias', () => {
    expect(byName('v6-only').ports).toEqual([{ containerPort: 8081, protocol: 'tcp', hostIp: '::', hostPort: 32781 }]);
  });

  it('treats an unknown state as not serving', () => {
    const [weird] = snapshotsFromList([{ Id: 'x1', Names: ['/weird'], State: 'frobnicated', Ports: [] }]).containers;
    expect(weird?.state).toBe('dead');
  });
});

describe('snapshotFromInspect', () => {
  it('gives the same snapshot as the list entry of the same container', () => {
    const inspected = fixture<InspectedContainer & { Id: string }>('inspect-web-1.json');
    expect(snapshotFromInspect(inspected)).toEqual(byName('web-1'));
  });

  it('reads health from State.Health and paused from State.Status', () => {
    expect(snapshotFromInspect(fixture('inspect-api-unhealthy.json')).health).toBe('unhealthy');
    const paused = snapshotFromInspect(fixture('inspect-paused-1.json'));
    expect(paused).toMatchObject({ state: 'paused', ports: [{ containerPort: 8081, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 32777 }] });
  });
});

describe('healthFromStatus', () => {
  it.each([
    ['Up 3 minutes (healthy)', 'healthy'],
    ['Up 3 minutes (unhealthy)', 'unhealthy'],
    ['Up 2 seconds (health: starting)', 'starting'],
    ['Up 5 seconds (Paused)', 'none'],
    ['Exited (0) 2 hours ago', 'none'],
  ] as const)('%s → %s', (status, health) => {
    expect(healthFromStatus(status)).toBe(health);
  });
});
