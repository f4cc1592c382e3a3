// SNI routing on network listeners: sni values matched like host-header values (wildcards, case),
// in priority order, disabled rules skipped, and the default action without a name or a match.
import { describe, expect, it } from 'vitest';
import { NetworkRoutes } from '../../../main/nlb/network-routes.js';
import { listenerSchema } from '../../../shared/model/index.js';

const listener = (rules: unknown[]) =>
  listenerSchema.parse({ port: 9443, protocol: 'TCP', defaultAction: { forward: 'fallback' }, rules });

describe('NetworkRoutes', () => {
  const routes = new NetworkRoutes(
    listener([
      { priority: 20, conditions: { sni: ['*.demo.localhost'] }, action: { forward: 'wild' } },
      { priority: 10, conditions: { sni: ['api.demo.localhost', 'API2.demo.localhost'] }, action: { forward: 'api' } },
      { priority: 5, enabled: false, conditions: { sni: ['api.demo.localhost'] }, action: { forward: 'off' } },
      { priority: 30, conditions: { sni: ['db-?.localhost'] }, action: { forward: 'db' } },
    ]),
  );

  it('routes by server name in priority order, with wildcards', () => {
    expect(routes.usesSni).toBe(true);
    expect(routes.route('api.demo.localhost')).toEqual({ rule: '10', targetGroup: 'api' });
    expect(routes.route('api2.demo.localhost')).toEqual({ rule: '10', targetGroup: 'api' });
    expect(routes.route('web.demo.localhost')).toEqual({ rule: '20', targetGroup: 'wild' });
    expect(routes.route('db-1.localhost')).toEqual({ rule: '30', targetGroup: 'db' });
  });

  it('no name or no match → the default action', () => {
    expect(routes.route(undefined)).toEqual({ rule: 'default', targetGroup: 'fallback' });
    expect(routes.route('db-10.localhost')).toEqual({ rule: 'default', targetGroup: 'fallback' });
    expect(routes.route('demo.localhost')).toEqual({ rule: 'default', targetGroup: 'fallback' });
  });

  it('a listener without (enabled) sni rules does not peek', () => {
    expect(new NetworkRoutes(listener([])).usesSni).toBe(false);
    const off = new NetworkRoutes(listener([{ priority: 1, enabled: false, conditions: { sni: ['a.localhost'] }, action: { forward: 'a' } }]));
    expect(off.usesSni).toBe(false);
    expect(off.route('a.localhost')).toEqual({ rule: 'default', targetGroup: 'fallback' });
  });
});

describe('weighted network forwards', () => {
  const weighted = (groups: { name: string; weight: number }[]) => ({ port: 9000, protocol: 'TCP', defaultAction: { forward: { targetGroups: groups } } });

  it('splits new connections by weight over every window, never to a weight of 0', () => {
    const routes = new NetworkRoutes(listenerSchema.parse(weighted([{ name: 'blue', weight: 3 }, { name: 'green', weight: 1 }, { name: 'off', weight: 0 }])));
    const picks = Array.from({ length: 400 }, () => routes.route(undefined).targetGroup);
    for (let w = 0; w < 400; w += 4) {
      const window = picks.slice(w, w + 4);
      expect(window.filter((g) => g === 'blue')).toHaveLength(3);
      expect(window.filter((g) => g === 'green')).toHaveLength(1);
    }
    expect(picks).not.toContain('off');
  });

  it('weights an sni rule’s groups too', () => {
    const routes = new NetworkRoutes(
      listenerSchema.parse({ ...weighted([{ name: 'fallback', weight: 1 }]), rules: [{ priority: 1, conditions: { sni: ['a.localhost'] }, action: { forward: { targetGroups: [{ name: 'a1', weight: 1 }, { name: 'a2', weight: 1 }] } } }] }),
    );
    expect([1, 2, 3, 4].map(() => routes.route('a.localhost').targetGroup).sort()).toEqual(['a1', 'a1', 'a2', 'a2']);
  });
});
