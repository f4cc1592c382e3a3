// What the editor writes back: berth.yaml's own config, never label routes or runtime switches;
// defaults dropped, shorthand kept — for the whole config and for the one value an edit sets.
import { describe, expect, it } from 'vitest';
import { compactAt, fileConfig } from '../../../renderer/views/edit/file-config.js';
import { configSchema } from '../../../shared/model/index.js';
import { BerthEngine } from '../../../main/engine/index.js';
import { fakeDiscovery, idleListener, runningContainer } from '../../helpers/fake-discovery.js';
import { demoConfig } from './fixtures.js';

describe('file config', () => {
  it('compacts a parsed config back to what a person writes, and it parses to the same config', () => {
    const parsed = configSchema.parse(demoConfig);
    const compact = compactAt(parsed, []);
    expect(compact).toEqual(demoConfig);
    expect(configSchema.parse(compact)).toEqual(parsed);
  });

  it('keeps values that differ from the defaults, as numbers where the file has numbers', () => {
    const parsed = configSchema.parse({
      targetGroups: [{ name: 'a', protocol: 'HTTP', deregistrationDelaySeconds: 5, healthCheck: { path: '/health', matcher: 204 }, targets: { static: ['127.0.0.1:1'] } }],
      loadBalancers: [{ name: 'w', listeners: [{ port: 80, protocol: 'HTTP', defaultAction: { redirect: { protocol: 'HTTPS', port: 443, statusCode: 'HTTP_301' } } }] }],
    });
    expect(compactAt(parsed, [])).toEqual({
      targetGroups: [{ name: 'a', protocol: 'HTTP', deregistrationDelaySeconds: 5, healthCheck: { path: '/health', matcher: 204 }, targets: { static: ['127.0.0.1:1'] } }],
      loadBalancers: [{ name: 'w', listeners: [{ port: 80, protocol: 'HTTP', defaultAction: { redirect: { protocol: 'HTTPS', port: 443, statusCode: 'HTTP_301' } } }] }],
    });
  });

  it('compacts only the value at the path an edit sets', () => {
    const parsed = configSchema.parse(demoConfig);
    expect(compactAt(parsed, ['targetGroups', 1])).toEqual(demoConfig.targetGroups![1]);
    expect(compactAt(parsed, ['loadBalancers', 0, 'listeners', 0, 'rules', 1, 'action', 'forward'])).toBe('app');
    expect(compactAt(parsed, ['loadBalancers', 0, 'listeners', 0, 'port'])).toBe(8080);
  });

  it('saves neither the routes container labels added nor a rule switched off at runtime', async () => {
    const engine = new BerthEngine({ config: configSchema.parse(demoConfig), configFile: '/home/dev/shop/berth.yaml', dataDir: '/nonexistent', discovery: fakeDiscovery(labelled()).discovery, listenerFactory: idleListener, healthChecks: false });
    await engine.start();
    await engine.setRuleEnabled('web', '8080/HTTP', 20, false);
    const state = engine.getState();
    await engine.stop();
    // What the engine runs has both: the label routes and the switched-off rule.
    expect(state.config.targetGroups.map((g) => g.name)).toEqual(expect.arrayContaining(['app', 'api', 'blog-8081', 'users']));
    expect(state.config.loadBalancers.map((lb) => lb.name)).toEqual(['web', 'berth-labels']);
    expect(state.config.loadBalancers[0]!.listeners[0]!.rules.find((r) => r.priority === 20)!.enabled).toBe(false);

    const saved = JSON.stringify(compactAt(fileConfig(state)!, []));
    expect(compactAt(fileConfig(state)!, [])).toEqual(demoConfig);
    for (const made of ['blog', 'users', 'berth-labels', 'enabled']) expect(saved).not.toContain(made);
  });

  it('gives nothing to save in zero-config mode', async () => {
    const engine = new BerthEngine({ dataDir: '/nonexistent', discovery: fakeDiscovery(labelled()).discovery, listenerFactory: idleListener, healthChecks: false });
    await engine.start();
    const state = engine.getState();
    await engine.stop();
    expect(state.config.targetGroups.length).toBeGreaterThan(0);
    expect(state.fileConfig).toBeUndefined();
    expect(fileConfig(state)).toBeUndefined();
  });
});

/** Containers as Docker discovery reports them: one with its own label route, two sharing a group on their own listener. */
const labelled = () => [
  runningContainer('blog', 49200, { 'dev.berth.host': 'blog.localhost' }),
  runningContainer('users-1', 49201, { 'dev.berth.host': 'users.localhost', 'dev.berth.group': 'users', 'dev.berth.listener': '9090' }),
  runningContainer('users-2', 49202, { 'dev.berth.host': 'users.localhost', 'dev.berth.group': 'users', 'dev.berth.listener': '9090' }),
];
