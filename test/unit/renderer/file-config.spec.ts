// What the editor writes back: berth.yaml's own config, never label routes or runtime switches;
// defaults dropped, shorthand kept.
import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { compactConfig, fileConfig } from '../../../renderer/views/edit/file-config.js';
import { configSchema } from '../../../shared/model/index.js';
import { BerthEngine } from '../../../main/engine/index.js';
import type { ListenerFactory } from '../../../main/engine/listener-runtime.js';
import type { ContainerSnapshot, DockerDiscovery } from '../../../main/discovery/index.js';
import { demoConfig } from './fixtures.js';

describe('file config', () => {
  it('compacts a parsed config back to what a person writes, and it parses to the same config', () => {
    const parsed = configSchema.parse(demoConfig);
    const compact = compactConfig(parsed);
    expect(compact).toEqual(demoConfig);
    expect(configSchema.parse(compact)).toEqual(parsed);
  });

  it('keeps values that differ from the defaults, as numbers where the file has numbers', () => {
    const parsed = configSchema.parse({
      targetGroups: [{ name: 'a', protocol: 'HTTP', deregistrationDelaySeconds: 5, healthCheck: { path: '/health', matcher: 204 }, targets: { static: ['127.0.0.1:1'] } }],
      loadBalancers: [{ name: 'w', listeners: [{ port: 80, protocol: 'HTTP', defaultAction: { redirect: { protocol: 'HTTPS', port: 443, statusCode: 'HTTP_301' } } }] }],
    });
    expect(compactConfig(parsed)).toEqual({
      targetGroups: [{ name: 'a', protocol: 'HTTP', deregistrationDelaySeconds: 5, healthCheck: { path: '/health', matcher: 204 }, targets: { static: ['127.0.0.1:1'] } }],
      loadBalancers: [{ name: 'w', listeners: [{ port: 80, protocol: 'HTTP', defaultAction: { redirect: { protocol: 'HTTPS', port: 443, statusCode: 'HTTP_301' } } }] }],
    });
  });

  it('saves neither the routes container labels added nor a rule switched off at runtime', async () => {
    const engine = new BerthEngine({ config: configSchema.parse(demoConfig), configFile: '/home/dev/shop/berth.yaml', dataDir: '/nonexistent', discovery: discoveryOf(labelled), listenerFactory: idleListener, healthChecks: false });
    await engine.start();
    await engine.setRuleEnabled('web', '8080/HTTP', 20, false);
    const state = engine.getState();
    await engine.stop();
    // What the engine runs has both: the label routes and the switched-off rule.
    expect(state.config.targetGroups.map((g) => g.name)).toEqual(expect.arrayContaining(['app', 'api', 'blog-8081', 'users']));
    expect(state.config.loadBalancers.map((lb) => lb.name)).toEqual(['web', 'berth-labels']);
    expect(state.config.loadBalancers[0]!.listeners[0]!.rules.find((r) => r.priority === 20)!.enabled).toBe(false);

    const saved = JSON.stringify(compactConfig(fileConfig(state)!));
    expect(compactConfig(fileConfig(state)!)).toEqual(demoConfig);
    for (const made of ['blog', 'users', 'berth-labels', 'enabled']) expect(saved).not.toContain(made);
  });

  it('gives nothing to save in zero-config mode', async () => {
    const engine = new BerthEngine({ dataDir: '/nonexistent', discovery: discoveryOf(labelled), listenerFactory: idleListener, healthChecks: false });
    await engine.start();
    const state = engine.getState();
    await engine.stop();
    expect(state.config.targetGroups.length).toBeGreaterThan(0);
    expect(state.fileConfig).toBeUndefined();
    expect(fileConfig(state)).toBeUndefined();
  });
});

/** Containers as Docker discovery reports them: one with its own label route, two sharing a group on their own listener. */
const labelled: ContainerSnapshot[] = [
  snapshot('blog', 49200, { 'dev.berth.host': 'blog.localhost' }),
  snapshot('users-1', 49201, { 'dev.berth.host': 'users.localhost', 'dev.berth.group': 'users', 'dev.berth.listener': '9090' }),
  snapshot('users-2', 49202, { 'dev.berth.host': 'users.localhost', 'dev.berth.group': 'users', 'dev.berth.listener': '9090' }),
];

function snapshot(name: string, hostPort: number, labels: Record<string, string>): ContainerSnapshot {
  return { id: `id-${name}`, name, image: 'example/app:1', labels, state: 'running', health: 'none', ports: [{ containerPort: 8081, protocol: 'tcp', hostIp: '127.0.0.1', hostPort }] };
}

/** The engine's view of Docker without a daemon: a fixed container list, always connected. */
function discoveryOf(containers: ContainerSnapshot[]): DockerDiscovery {
  const fake = Object.assign(new EventEmitter(), {
    start: async () => undefined,
    stop: async () => undefined,
    containers: () => containers,
    status: () => ({ connected: true, stale: false, endpoint: 'unix:///var/run/docker.sock', source: 'test' }),
  });
  return fake as unknown as DockerDiscovery;
}

/** What the editor saves does not depend on sockets: listeners that bind nothing. */
const idleListener: ListenerFactory = ({ listener }) => ({ id: `${listener.port}/${listener.protocol}`, start: async () => undefined, stop: async () => undefined, update: () => undefined, setEnabled: async () => undefined });
