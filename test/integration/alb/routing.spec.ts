// Routing through a real listener to real loopback targets: host, path and every condition type,
// priority order, the default action, disabled rules, and live rule changes without rebinding.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, targetGroup, request, startListener, startTarget } from './alb-fixtures.js';

afterEach(cleanup);

async function setup() {
  const names = ['api', 'web', 'beta', 'admin', 'fallback'];
  const groups = await Promise.all(names.map(async (n) => targetGroup(n, [await startTarget(`${n}-1`)])));
  const running = await startListener(
    {
      listener: {
        defaultAction: { forward: 'fallback' },
        rules: [
          { priority: 10, conditions: { hostHeader: ['api.demo.localhost'], pathPattern: ['/users*'] }, action: { forward: 'api' } },
          { priority: 20, conditions: { hostHeader: ['*.demo.localhost'] }, action: { forward: 'web' } },
          { priority: 5, conditions: { httpHeader: [{ name: 'X-Channel', values: ['beta'] }] }, action: { forward: 'beta' } },
          { priority: 30, conditions: { httpRequestMethod: ['DELETE'] }, action: { forward: 'admin' } },
          { priority: 31, conditions: { queryString: [{ key: 'admin', value: 'true' }] }, action: { forward: 'admin' } },
          { priority: 32, conditions: { sourceIp: ['10.0.0.0/8'] }, action: { forward: 'admin' } },
          { priority: 40, conditions: { pathPattern: ['/disabled'] }, action: { forward: 'admin' }, enabled: false },
        ],
      },
    },
    groups,
  );
  const via = async (path: string, options: Parameters<typeof request>[2] = {}) => {
    const reply = await request(running.port, path, options);
    return { status: reply.status, target: (JSON.parse(reply.body) as { target: string }).target };
  };
  return { ...running, via };
}

describe('HTTP listener routing', () => {
  it('routes by host and path, honouring priority and the default action', async () => {
    const { via, records } = await setup();
    expect(await via('/users/7', { headers: { host: 'api.demo.localhost:8080' } })).toEqual({ status: 200, target: 'api-1' });
    expect(await via('/orders', { headers: { host: 'api.demo.localhost' } })).toEqual({ status: 200, target: 'web-1' });
    expect(await via('/', { headers: { host: 'shop.demo.localhost' } })).toEqual({ status: 200, target: 'web-1' });
    expect(await via('/', { headers: { host: 'example.com' } })).toEqual({ status: 200, target: 'fallback-1' });
    // Priority 5 (a header rule) comes before the host rules.
    expect(await via('/users', { headers: { host: 'api.demo.localhost', 'x-channel': 'BETA' } })).toEqual({ status: 200, target: 'beta-1' });
    expect(records.map((r) => r.rule)).toEqual(['10', '20', '20', 'default', '5']);
  });

  it('routes by method, query string and source address; skips disabled rules', async () => {
    const { via } = await setup();
    expect(await via('/x', { method: 'DELETE', headers: { host: 'example.com' } })).toEqual({ status: 200, target: 'admin-1' });
    expect(await via('/x?admin=TRUE', { headers: { host: 'example.com' } })).toEqual({ status: 200, target: 'admin-1' });
    expect(await via('/x?admin=no', { headers: { host: 'example.com' } })).toEqual({ status: 200, target: 'fallback-1' });
    // Loopback clients are not in 10.0.0.0/8, and X-Forwarded-For does not change that.
    expect(await via('/x', { headers: { host: 'example.com', 'x-forwarded-for': '10.1.2.3' } })).toEqual({ status: 200, target: 'fallback-1' });
    expect(await via('/disabled', { headers: { host: 'example.com' } })).toEqual({ status: 200, target: 'fallback-1' });
  });

  it('matches repeated headers one by one', async () => {
    const { port } = await setup();
    const reply = await request(port, '/', { headers: { host: 'example.com', 'x-channel': ['stable', 'beta'] } });
    expect(JSON.parse(reply.body).target).toBe('beta-1');
  });

  it('applies rule changes live on the same socket', async () => {
    const running = await setup();
    const before = await running.via('/', { headers: { host: 'example.com' } });
    expect(before.target).toBe('fallback-1');
    running.listener.update(
      { port: running.port, protocol: 'HTTP', address: '127.0.0.1', enabled: true, defaultAction: { forward: { targetGroups: [{ name: 'web', weight: 1 }] } }, rules: [] },
    );
    expect(await running.via('/', { headers: { host: 'example.com' } })).toEqual({ status: 200, target: 'web-1' });
    expect(running.listener.port).toBe(running.port);
  });

  it('explains a route with the rules it is running', async () => {
    const { listener } = await setup();
    const result = listener.explain({ method: 'GET', host: 'api.demo.localhost', path: '/orders', query: '', headers: {}, sourceIp: '127.0.0.1' });
    expect(result.matched.label).toBe('20');
    expect(result.rules.find((r) => r.priority === 10)!.failures.map((f) => f.message)).toEqual(['pathPattern: "/orders" does not match "/users*"']);
  });
});
