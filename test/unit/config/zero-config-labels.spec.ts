// Zero-config routes and dev.berth.* labels, from fixture container lists (no Docker).
import { describe, expect, it } from 'vitest';
import { zeroConfig, indexPage } from '../../../main/config/zero-config.js';
import { labelsToConfig } from '../../../main/config/labels.js';
import type { ContainerSnapshot } from '../../../main/discovery/index.js';

const container = (name: string, over: Partial<ContainerSnapshot> = {}): ContainerSnapshot => ({
  id: `id-${name}`,
  name,
  image: 'img',
  labels: {},
  state: 'running',
  health: 'none',
  ports: [{ containerPort: 8081, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 40000 + name.length }],
  ...over,
});

const hosts = (c: ReturnType<typeof zeroConfig>) => c.loadBalancers[0]!.listeners[0]!.rules.map((r) => r.conditions.hostHeader![0]);

describe('zero-config', () => {
  it('routes compose services by service.project and others by name', () => {
    const config = zeroConfig([
      container('demo-web-1', { composeProject: 'demo', composeService: 'web' }),
      container('demo-web-2', { composeProject: 'demo', composeService: 'web' }),
      container('Redis_Cache'),
      container('stopped', { state: 'exited' }),
      container('no-ports', { ports: [] }),
    ]);
    expect(hosts(config)).toEqual(['redis-cache.localhost', 'web.demo.localhost']);
    const web = config.targetGroups.find((g) => g.targets.docker?.composeService === 'web')!;
    expect(web.targets.docker).toEqual({ composeProject: 'demo', composeService: 'web', containerPort: 8081 });
    expect(config.loadBalancers[0]!.listeners[0]).toMatchObject({ port: 8080, address: '127.0.0.1', protocol: 'HTTP' });
  });

  it('gives each port of a multi-port container its own host, the plain name going to the lowest', () => {
    const config = zeroConfig([
      container('api', { ports: [9090, 8081].map((p, i) => ({ containerPort: p, protocol: 'tcp' as const, hostIp: '127.0.0.1', hostPort: 41000 + i })) }),
    ]);
    expect(hosts(config)).toEqual(['8081.api.localhost', '9090.api.localhost', 'api.localhost']);
    const groupOf = (host: string) => config.loadBalancers[0]!.listeners[0]!.rules.find((r) => r.conditions.hostHeader![0] === host)!.action.forward!.targetGroups[0]!.name;
    expect(groupOf('api.localhost')).toBe(groupOf('8081.api.localhost'));
    expect(config.targetGroups.map((g) => g.targets.docker!.containerPort).sort()).toEqual([8081, 9090]);
  });

  it('keeps names valid for AWS even for long container names', () => {
    const config = zeroConfig([container('a-very-long-container-name-that-goes-on-and-on')]);
    expect(config.targetGroups[0]!.name.length).toBeLessThanOrEqual(32);
  });

  it('lists known hosts on the 404 page within the 1,024-byte limit', () => {
    const page = indexPage(Array.from({ length: 100 }, (_, i) => `service-${i}.demo.localhost`));
    expect(new TextEncoder().encode(page).length).toBeLessThanOrEqual(1024);
    expect(page).toContain('service-0.demo.localhost');
    expect(page).toMatch(/and \d+ more/);
  });
});

describe('dev.berth.* labels', () => {
  const base = zeroConfig([]);

  it('adds a rule and a target group for a labelled container', () => {
    const { config, problems } = labelsToConfig([container('users', { labels: { 'dev.berth.host': 'users.demo.localhost', 'dev.berth.path': '/api/*', 'dev.berth.health.path': '/health' } })], base);
    expect(problems).toEqual([]);
    const rule = config.loadBalancers[0]!.listeners[0]!.rules.find((r) => r.conditions.hostHeader?.[0] === 'users.demo.localhost')!;
    expect(rule.conditions.pathPattern).toEqual(['/api/*']);
    const group = config.targetGroups.find((g) => g.name === rule.action.forward!.targetGroups[0]!.name)!;
    expect(group.healthCheck).toMatchObject({ path: '/health', matcher: '200' });
    expect(group.targets.docker).toEqual({ containerName: 'users', containerPort: 8081 });
  });

  it('reports a bad label for its container and keeps the others', () => {
    const { config, problems } = labelsToConfig(
      [
        container('bad', { labels: { 'dev.berth.host': 'localhost' } }),
        container('typo', { labels: { 'dev.berth.host': 'typo.localhost', 'dev.berth.prot': '1' } }),
        container('good', { labels: { 'dev.berth.host': 'good.localhost' } }),
      ],
      base,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ container: 'bad', label: 'dev.berth.host', message: expect.stringContaining('must contain a ".') }),
        expect.objectContaining({ container: 'typo', label: 'dev.berth.prot', message: expect.stringContaining('unknown Berth label') }),
      ]),
    );
    const ruleHosts = config.loadBalancers[0]!.listeners[0]!.rules.map((r) => r.conditions.hostHeader?.[0]);
    expect(ruleHosts).toContain('good.localhost');
    expect(ruleHosts).not.toContain('localhost');
  });

  it('puts containers of one group behind one target group', () => {
    const labels = { 'dev.berth.host': 'api.localhost', 'dev.berth.group': 'api' };
    const { config } = labelsToConfig([container('api-1', { labels }), container('api-2', { labels })], base);
    expect(config.targetGroups.filter((g) => g.name === 'api')).toHaveLength(1);
    expect(config.targetGroups.find((g) => g.name === 'api')!.targets.docker).toEqual({ labels: { 'dev.berth.group': 'api' }, containerPort: 8081 });
  });
});
