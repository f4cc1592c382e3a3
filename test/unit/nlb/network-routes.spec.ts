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
