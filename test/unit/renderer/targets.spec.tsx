// @vitest-environment jsdom
// Containers: loading, error, no Docker (where Berth looked), no containers (a docker run line), and
// data with published ports, groups, clickable URLs and the containers no rule reaches.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, within } from '@testing-library/react';
import { TargetsScreen } from '../../../renderer/views/targets/targets-view.js';
import { FakeClient } from './fake-client.js';
import { engineState, networkState, target } from './fixtures.js';
import { renderScreen } from './render.js';

afterEach(cleanup);

describe('containers', () => {
  it('loading', () => {
    renderScreen(<TargetsScreen />, new FakeClient().answer('getState', 'pending'));
    expect(screen.getByRole('status').textContent).toContain('Loading');
  });

  it('error', async () => {
    renderScreen(<TargetsScreen />, new FakeClient().answer('getState', new Error('HTTP 401: a valid token is required')));
    expect((await screen.findByRole('alert')).textContent).toContain('a valid token is required');
  });

  it('without Docker says where Berth looked and how to fix it', async () => {
    const lookedAt = ['--docker-host: not given', 'DOCKER_HOST: not set', '/home/dev/.docker/config.json: no currentContext', 'platform default: unix:///var/run/docker.sock'];
    const state = engineState({ containers: [], discovery: { connected: false, stale: false, endpoint: 'unix:///var/run/docker.sock', source: 'default socket', lookedAt, error: 'connect ENOENT /var/run/docker.sock' } });
    renderScreen(<TargetsScreen />, new FakeClient().answer('getState', state));
    const empty = await screen.findByTestId('targets-no-docker');
    expect(empty.textContent).toContain('unix:///var/run/docker.sock');
    expect(empty.textContent).toContain('default socket');
    expect(empty.textContent).toContain('ENOENT');
    expect(within(empty).getByTestId('docker-looked-at').querySelectorAll('li')).toHaveLength(4);
    expect([...within(empty).getByTestId('docker-looked-at').querySelectorAll('li')].map((li) => li.textContent)).toEqual(lookedAt);
    expect(empty.textContent).toContain('DOCKER_HOST');
    expect(empty.textContent).toContain('docker context use');
  });

  it('without containers shows a docker run line to start from', async () => {
    renderScreen(<TargetsScreen />, new FakeClient().answer('getState', engineState({ containers: [] })));
    expect((await screen.findByTestId('targets-empty')).textContent).toMatch(/docker run -d -p 8081/);
  });

  it('lists containers with ports, groups and URLs, and those no rule reaches', async () => {
    renderScreen(<TargetsScreen />, new FakeClient().answer('getState', engineState()));
    const web = await screen.findByTestId('container-web-1');
    expect(web.textContent).toContain('8081/tcp → 127.0.0.1:49153');
    expect(web.textContent).toContain('app');
    expect(within(web).getByRole('link').getAttribute('href')).toBe('http://app.localhost:8080/');
    expect(within(web).getByRole('button', { name: 'copy http://app.localhost:8080/' })).toBeTruthy();
    expect(screen.getByTestId('container-redis').textContent).toContain('no rule reaches it');
    expect(screen.getByTestId('unreached').textContent).toContain('redis');
  });

  it('gives containers behind network listeners their tcp:// and udp:// addresses (and sni names), to copy', async () => {
    const base = networkState();
    const state = {
      ...base,
      containers: [
        ...base.containers,
        { id: 'c4', name: 'pg-1', image: 'postgres:16', state: 'running' as const, labels: { app: 'db' }, ports: [{ containerPort: 5432, protocol: 'tcp' as const, hostIp: '127.0.0.1', hostPort: 49170 }] },
        { id: 'c5', name: 'dns-1', image: 'coredns', state: 'running' as const, labels: { app: 'dns' }, ports: [{ containerPort: 53, protocol: 'udp' as const, hostIp: '127.0.0.1', hostPort: 49180 }] },
      ],
      targetGroups: base.targetGroups.map((g) =>
        g.name === 'db' ? { ...g, targets: [target({ id: 'pg-1:49170', targetGroup: 'db', port: 49170, containerId: 'c4', containerName: 'pg-1' })] }
        : g.name === 'dns' ? { ...g, targets: [target({ id: 'dns-1:49180', targetGroup: 'dns', port: 49180, containerId: 'c5', containerName: 'dns-1', health: 'unavailable' })] }
        : g.name === 'tls-app' ? { ...g, targets: [target({ id: 'pg-1:49170', targetGroup: 'tls-app', port: 49170, containerId: 'c4', containerName: 'pg-1' })] }
        : g,
      ),
    };
    renderScreen(<TargetsScreen />, new FakeClient().answer('getState', state));
    const pg = await screen.findByTestId('container-pg-1');
    expect(within(pg).queryAllByRole('link')).toHaveLength(0);
    expect(within(pg).getByRole('button', { name: 'copy tcp://127.0.0.1:5432' })).toBeTruthy();
    // The sni rule's name reaches tls-app, which this container also serves.
    expect(within(pg).getByRole('button', { name: 'copy tcp://a.localhost:5432' })).toBeTruthy();
    const dns = screen.getByTestId('container-dns-1');
    expect(within(dns).getByRole('button', { name: 'copy udp://127.0.0.1:5353' })).toBeTruthy();
    expect(screen.queryByTestId('unreached')?.textContent ?? '').not.toContain('pg-1');
  });

  it('shows how containers reach Berth: the docker run line to copy, and why DNS could not start with how to allow it', async () => {
    const access = {
      platform: 'linux' as const,
      gateways: [{ network: 'bridge', address: '172.17.0.1', subnets: ['172.17.0.0/16'] }],
      listening: ['172.17.0.1:8443'],
      dns: { addresses: [], error: 'cannot listen on 172.17.0.1:53 for DNS (EACCES)', hint: 'let Berth bind port 53 once: setcap …' },
      env: { hosts: [{ name: 'api.demo.localhost', address: '172.17.0.1' }], trustDir: '/data/containers' },
      dockerArgs: '--add-host api.demo.localhost:172.17.0.1 --volume /data/containers:/etc/berth:ro',
      composeSnippet: '',
      problems: [],
    };
    renderScreen(<TargetsScreen />, new FakeClient().answer('getState', { ...engineState(), containerAccess: access }));
    const card = await screen.findByTestId('container-access');
    expect(within(card).getByTestId('container-docker-args').textContent).toBe(`docker run ${access.dockerArgs} IMAGE`);
    expect(within(card).getByRole('button', { name: 'copy the docker run arguments' })).toBeTruthy();
    expect(within(card).getByTestId('container-dns-problem').textContent).toContain('EACCES');
    expect(within(card).getByTestId('container-dns-problem').textContent).toContain('setcap');
  });
});
