// What the editor writes back: label-made routes left out, defaults dropped, shorthand kept.
import { describe, expect, it } from 'vitest';
import { compactConfig, fileConfig } from '../../../renderer/views/edit/file-config.js';
import { configSchema } from '../../../shared/model/index.js';
import { demoConfig, engineState } from './fixtures.js';

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

  it('leaves out what container labels added', () => {
    const config = structuredClone(demoConfig);
    config.targetGroups!.push({ name: 'l-blog', protocol: 'HTTP', targets: { docker: { containerName: 'blog', containerPort: 80 } } }, { name: 'shop', protocol: 'HTTP', targets: { docker: { labels: { 'dev.berth.group': 'shop' }, containerPort: 80 } } });
    config.loadBalancers!.push({ name: 'berth-labels', listeners: [{ port: 8081, protocol: 'HTTP', defaultAction: { forward: 'shop' } }] });
    config.loadBalancers![0]!.listeners![0]!.rules!.push({ priority: 1000, conditions: { hostHeader: ['blog.localhost'] }, action: { forward: 'l-blog' } });
    const state = engineState({}, config);
    state.containers.push({ id: 'b', name: 'blog', image: 'ghost', state: 'running', labels: { 'dev.berth.host': 'blog.localhost' }, ports: [] });
    const file = fileConfig(state);
    expect(file.loadBalancers.map((lb) => lb.name)).toEqual(['web']);
    expect(file.loadBalancers[0]!.listeners[0]!.rules.map((r) => r.priority)).toEqual([20, 10]);
    expect(file.targetGroups.map((g) => g.name)).toEqual(['app', 'api']);
  });
});
