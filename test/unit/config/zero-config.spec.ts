// Zero-config from fixture container lists (no Docker): hosts per compose service and container,
// names valid for DNS and AWS and stable across runs, the 404 page within AWS's body limit.
import { describe, expect, it } from 'vitest';
import { configSchema, utf8Length } from '../../../shared/model/index.js';
import { indexPage, zeroConfig, zeroConfigRoutes, ZERO_CONFIG_FIRST_PRIORITY } from '../../../main/config/zero-config.js';
import type { ContainerInfo } from '../../../main/config/container-info.js';
import { container, ports } from './container-fixtures.js';

const hostsOf = (config: ReturnType<typeof zeroConfig>, listener = 0) => config.loadBalancers[0]!.listeners[listener]!.rules.map((r) => r.conditions.hostHeader![0]);
const groupFor = (config: ReturnType<typeof zeroConfig>, host: string) =>
  config.loadBalancers[0]!.listeners[0]!.rules.find((r) => r.conditions.hostHeader![0] === host)!.action.forward!.targetGroups[0]!.name;

describe('zero-config', () => {
  const stack: ContainerInfo[] = [
    container('demo-web-1', { composeProject: 'demo', composeService: 'web' }),
    container('demo-web-2', { composeProject: 'demo', composeService: 'web' }),
    container('demo-db-1', { composeProject: 'demo', composeService: 'db', ports: [] }),
    container('Redis_Cache'),
    container('stopped', { state: 'exited' }),
    container('only-udp', { ports: ports([5353], 'udp') }),
    container('hidden', { labels: { 'dev.berth.ignore': 'true' } }),
  ];

  it('routes compose services by <service>.<project>.localhost and other containers by name', () => {
    const config = zeroConfig(stack);
    expect(hostsOf(config)).toEqual(['redis-cache.localhost', 'web.demo.localhost']);
    const web = config.targetGroups.find((g) => g.name === groupFor(config, 'web.demo.localhost'))!;
    // One group for the service: both replicas become targets.
    expect(web.targets.docker).toEqual({ composeProject: 'demo', composeService: 'web', containerPort: 8081 });
    expect(config.targetGroups.find((g) => g.name === groupFor(config, 'redis-cache.localhost'))!.targets.docker).toEqual({ containerName: 'Redis_Cache', containerPort: 8081 });
  });

  it('is one application load balancer: HTTP on 127.0.0.1:8080 and HTTPS on 8443 with certificates auto', () => {
    const config = zeroConfig(stack);
    expect(config.loadBalancers.map((lb) => [lb.name, lb.type])).toEqual([['berth', 'application']]);
    const [http, https] = config.loadBalancers[0]!.listeners;
    expect(http).toMatchObject({ port: 8080, protocol: 'HTTP', address: '127.0.0.1' });
    expect(https).toMatchObject({ port: 8443, protocol: 'HTTPS', address: '127.0.0.1', certificates: 'auto' });
    expect(hostsOf(config, 1)).toEqual(hostsOf(config, 0));
    expect(zeroConfig(stack, { port: 18080, httpsPort: null }).loadBalancers[0]!.listeners.map((l) => l.port)).toEqual([18080]);
  });

  it('uses lenient health checks, a short deregistration delay and priorities from 10000 in host order', () => {
    const config = zeroConfig(stack);
    for (const g of config.targetGroups) {
      expect(g.healthCheck).toMatchObject({ path: '/', matcher: '200-499' });
      expect(g.deregistrationDelaySeconds).toBe(5);
    }
    expect(config.loadBalancers[0]!.listeners[0]!.rules.map((r) => r.priority)).toEqual([ZERO_CONFIG_FIRST_PRIORITY, ZERO_CONFIG_FIRST_PRIORITY + 1]);
  });

  it('gives each port of a multi-port container its own host, the plain name going to the lowest', () => {
    const config = zeroConfig([container('api', { ports: ports([9090, 8081]) })]);
    expect(hostsOf(config)).toEqual(['api.localhost', '8081.api.localhost', '9090.api.localhost']);
    expect(groupFor(config, 'api.localhost')).toBe(groupFor(config, '8081.api.localhost'));
    expect(groupFor(config, '9090.api.localhost')).not.toBe(groupFor(config, 'api.localhost'));
    expect(config.targetGroups.map((g) => g.targets.docker!.containerPort).sort()).toEqual([8081, 9090]);
  });

  it('gives a host two names sanitise to to the one whose name it is, and a stable variant to the other', () => {
    const containers = [container('My_App'), container('my-app')];
    const routes = zeroConfigRoutes(containers);
    expect(routes.find((r) => r.selector.containerName === 'my-app')!.host).toBe('my-app.localhost');
    const other = routes.find((r) => r.selector.containerName === 'My_App')!.host;
    expect(other).toMatch(/^my-app-[0-9a-z]{4}\.localhost$/);
    // The same containers in another order give the same names.
    expect(zeroConfigRoutes([...containers].reverse())).toEqual(routes);
    expect(new Set(routes.map((r) => r.targetGroup)).size).toBe(2);
  });

  it('keeps hosts and group names valid for AWS whatever the names', () => {
    const long = 'a-very-long-container-name-that-goes-on-and-on-and-on-and-on-and-on-past-sixty-three';
    const config = zeroConfig([
      container(long),
      container(`${long}-2`),
      container('x', { composeProject: 'p'.repeat(80), composeService: 's'.repeat(80), ports: ports([80, 81]) }),
      container('___'),
    ]);
    // zeroConfig parses with the schema; check the limits the schema enforces directly too.
    expect(configSchema.safeParse(config).success).toBe(true);
    for (const host of hostsOf(config).map(String)) {
      expect(host.length).toBeLessThanOrEqual(128);
      for (const label of host.split('.')) expect(label).toMatch(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);
    }
    const names = config.targetGroups.map((g) => g.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/);
  });

  it('has no rules and an explaining 404 page when nothing is running', () => {
    const config = zeroConfig([]);
    expect(config.loadBalancers[0]!.listeners[0]!.rules).toEqual([]);
    expect(config.targetGroups).toEqual([]);
    expect(config.loadBalancers[0]!.listeners[0]!.defaultAction.fixedResponse).toMatchObject({ statusCode: '404', contentType: 'text/html' });
  });
});

describe('the 404 page', () => {
  it('links every known host when they fit', () => {
    const page = indexPage(['api.localhost', 'web.demo.localhost'], { scheme: 'http', port: 8080 });
    expect(page).toContain('<a href="http://api.localhost:8080/">api.localhost</a>');
    expect(page).toContain('<a href="http://web.demo.localhost:8080/">web.demo.localhost</a>');
    expect(page).not.toContain('more');
  });

  it('stays within 1,024 bytes, listing the first hosts and how many more', () => {
    for (const n of [10, 11, 12, 13, 100, 5000]) {
      const hosts = Array.from({ length: n }, (_, i) => `service-${String(i).padStart(4, '0')}.demo.localhost`);
      const page = indexPage(hosts, { scheme: 'https', port: 8443 });
      expect(utf8Length(page)).toBeLessThanOrEqual(1024);
      const listed = page.match(/<li>/g)?.length ?? 0;
      expect(listed).toBeGreaterThan(0);
      if (listed < n) expect(page).toContain(`…and ${n - listed} more`);
      expect(page).toContain('https://service-0000.demo.localhost:8443/');
    }
  });
});
