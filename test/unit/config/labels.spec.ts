// dev.berth.* labels from fixture container lists: the rules and target groups they add to a config,
// and each bad label reported for its own container while the others keep working.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { configSchema, type BerthConfig, type Rule } from '../../../shared/model/index.js';
import type { ContainerSnapshot } from '../../../main/discovery/index.js';
import { labelsToConfig, FIRST_LABEL_PRIORITY, LABELS_LOAD_BALANCER } from '../../../main/config/labels.js';
import { zeroConfig } from '../../../main/config/zero-config.js';
import { parseConfigText } from '../../../main/config/load-config.js';
import { exampleConfigPaths } from '../../helpers/example-config.js';
import { container, ports } from './container-fixtures.js';

const labelled = (name: string, labels: Record<string, string>, over = {}) => container(name, { labels, ...over });
const rulesOn = (config: BerthConfig, port: number): Rule[] => config.loadBalancers.flatMap((lb) => lb.listeners.filter((l) => l.port === port)).flatMap((l) => l.rules);
const labelRules = (config: BerthConfig, port = 8080) => rulesOn(config, port).filter((r) => r.priority < 10_000);
const group = (config: BerthConfig, name: string) => config.targetGroups.find((g) => g.name === name)!;

describe('label routes', () => {
  it('add a rule and a target group for a labelled container, on zero-config HTTP and HTTPS', () => {
    const users = labelled('users', { 'dev.berth.host': 'users.demo.localhost, api.localhost', 'dev.berth.path': '/api/*', 'dev.berth.health.path': '/health' });
    const { config, problems } = labelsToConfig([users], zeroConfig([users]));
    expect(problems).toEqual([]);
    for (const port of [8080, 8443]) {
      const [rule] = labelRules(config, port);
      expect(rule).toMatchObject({ priority: FIRST_LABEL_PRIORITY, conditions: { hostHeader: ['users.demo.localhost', 'api.localhost'], pathPattern: ['/api/*'] } });
      const tg = group(config, rule!.action.forward!.targetGroups[0]!.name);
      expect(tg.healthCheck).toMatchObject({ path: '/health', matcher: '200-399' });
      expect(tg.targets.docker).toEqual({ containerName: 'users', containerPort: 8081 });
    }
    // Label rules come before zero-config's host rules, which start at 10000.
    expect(rulesOn(config, 8080).map((r) => r.priority).sort((a, b) => a - b)[0]).toBe(FIRST_LABEL_PRIORITY);
  });

  it('create an HTTP listener on 8080 in load balancer berth-labels when the config has none', () => {
    const { config, problems } = labelsToConfig([labelled('web', { 'dev.berth.host': 'web.localhost' })]);
    expect(problems).toEqual([]);
    expect(config.loadBalancers).toHaveLength(1);
    expect(config.loadBalancers[0]).toMatchObject({ name: LABELS_LOAD_BALANCER, type: 'application', listeners: [{ port: 8080, protocol: 'HTTP', address: '127.0.0.1' }] });
    expect(config.loadBalancers[0]!.listeners[0]!.defaultAction.fixedResponse).toMatchObject({ statusCode: '404' });
  });

  it("go on berth.yaml's listener on 8080 and the HTTPS listeners of its load balancer", () => {
    const loaded = parseConfigText(readFileSync(exampleConfigPaths()[0]!, 'utf8'), 'berth.yaml');
    if (!loaded.ok) throw new Error('example invalid');
    const { config, problems } = labelsToConfig([labelled('docs', { 'dev.berth.host': 'docs.demo.localhost' })], loaded.config);
    expect(problems).toEqual([]);
    expect(config.loadBalancers.map((lb) => lb.name)).toEqual(['web', 'edge']);
    expect(rulesOn(config, 8080).map((r) => r.priority)).toEqual([10, 20, 30, FIRST_LABEL_PRIORITY]);
    expect(rulesOn(config, 8443).map((r) => r.priority)).toEqual([FIRST_LABEL_PRIORITY]);
  });

  it('put the replicas of a compose service behind one target group', () => {
    const labels = { 'dev.berth.host': 'api.demo.localhost' };
    const replicas = [1, 2, 3].map((i) => labelled(`demo-api-${i}`, labels, { composeProject: 'demo', composeService: 'api' }));
    const { config } = labelsToConfig(replicas);
    const [rule] = labelRules(config);
    expect(rule!.action.forward!.targetGroups).toEqual([{ name: 'api-demo-8081', weight: 1 }]);
    expect(group(config, 'api-demo-8081').targets.docker).toEqual({ composeProject: 'demo', composeService: 'api', containerPort: 8081 });
  });

  it('weigh containers that declare the same host and path against each other (a canary)', () => {
    const route = { 'dev.berth.host': 'shop.localhost', 'dev.berth.path': '/cart*' };
    const { config } = labelsToConfig([labelled('cart', { ...route, 'dev.berth.weight': '80' }), labelled('cart-next', { ...route, 'dev.berth.weight': '20' })]);
    expect(labelRules(config)).toHaveLength(1);
    expect(labelRules(config)[0]!.action.forward!.targetGroups).toEqual([
      { name: 'cart-8081', weight: 80 },
      { name: 'cart-next-8081', weight: 20 },
    ]);
  });

  it('share one target group by dev.berth.group, selected by that label', () => {
    const labels = { 'dev.berth.host': 'api.localhost', 'dev.berth.group': 'api' };
    const { config } = labelsToConfig([labelled('api-1', labels), labelled('api-2', labels)]);
    expect(config.targetGroups.filter((g) => g.name === 'api')).toHaveLength(1);
    expect(group(config, 'api').targets.docker).toEqual({ labels: { 'dev.berth.group': 'api' }, containerPort: 8081 });
  });

  it('take an explicit listener, priority and container port, and several routers per container', () => {
    const c = labelled(
      'app',
      {
        'dev.berth.routers.site.host': 'app.localhost',
        'dev.berth.routers.site.port': '8081',
        'dev.berth.routers.admin.host': 'admin.app.localhost',
        'dev.berth.routers.admin.port': '9090',
        'dev.berth.routers.admin.listener': '9000',
        'dev.berth.routers.admin.priority': '5',
      },
      { ports: ports([8081, 9090]) },
    );
    const { config, problems } = labelsToConfig([c]);
    expect(problems).toEqual([]);
    expect(labelRules(config, 8080).map((r) => r.conditions.hostHeader)).toEqual([['app.localhost']]);
    expect(labelRules(config, 9000)).toMatchObject([{ priority: 5, conditions: { hostHeader: ['admin.app.localhost'] } }]);
    expect(config.targetGroups.map((g) => g.targets.docker?.containerPort).sort()).toEqual([8081, 9090]);
  });

  it('order rules so that an exact host with a long path comes before a catch-all', () => {
    const { config } = labelsToConfig([
      labelled('a-catch-all', { 'dev.berth.path': '/*' }),
      labelled('b-host', { 'dev.berth.host': 'shop.localhost' }),
      labelled('c-host-path', { 'dev.berth.host': 'shop.localhost', 'dev.berth.path': '/api/orders/*' }),
      labelled('d-wildcard-host', { 'dev.berth.host': '*.shop.localhost' }),
    ]);
    expect(labelRules(config).map((r) => r.action.forward!.targetGroups[0]!.name)).toEqual(['c-host-path-8081', 'b-host-8081', 'd-wildcard-host-8081', 'a-catch-all-8081']);
    expect(labelRules(config).map((r) => r.priority)).toEqual([1000, 1001, 1002, 1003]);
  });

  it('leave other containers alone: no host or path, stopped, ignored, or Berth test labels', () => {
    const { config, problems } = labelsToConfig([
      labelled('no-route', { 'dev.berth.port': '8081' }),
      labelled('stopped', { 'dev.berth.host': 'stopped.localhost' }, { state: 'exited' }),
      labelled('ignored', { 'dev.berth.host': 'ignored.localhost', 'dev.berth.ignore': 'true' }),
      labelled('tested', { 'dev.berth.host': 'tested.localhost', 'dev.berth.test': '1', 'dev.berth.test.run': 'abc' }),
    ]);
    expect(problems).toEqual([]);
    expect(labelRules(config).map((r) => r.conditions.hostHeader)).toEqual([['tested.localhost']]);
  });

  it('accept a discovery snapshot as it is', () => {
    const snapshot: ContainerSnapshot = { ...labelled('snap', { 'dev.berth.host': 'snap.localhost' }), state: 'running', health: 'none', ports: ports([80]) };
    expect(labelsToConfig([snapshot]).problems).toEqual([]);
  });
});

describe('label problems', () => {
  const good = labelled('good', { 'dev.berth.host': 'good.localhost' });
  const cases: [string, Record<string, string>, { label: string; message: string }, Partial<Parameters<typeof container>[1]>?][] = [
    ['single-label host', { 'dev.berth.host': 'localhost' }, { label: 'dev.berth.host', message: 'a host name must contain a "." (AWS rejects single-label names such as "localhost"; use e.g. "app.localhost")' }],
    ['misspelt label', { 'dev.berth.host': 'x.localhost', 'dev.berth.pth': '/x' }, { label: 'dev.berth.pth', message: 'unknown Berth label — did you mean "dev.berth.path"?' }],
    ['misspelt router label', { 'dev.berth.routers.api.hots': 'x.localhost' }, { label: 'dev.berth.routers.api.hots', message: 'unknown Berth label — did you mean "dev.berth.routers.api.host"?' }],
    ['port not a number', { 'dev.berth.host': 'x.localhost', 'dev.berth.port': 'http' }, { label: 'dev.berth.port', message: 'must be a whole number from 1 to 65535, got "http"' }],
    ['port not published', { 'dev.berth.host': 'x.localhost', 'dev.berth.port': '3000' }, { label: 'dev.berth.port', message: 'container port 3000 is not published (published: 8081): publish it (docker run -p 3000), Berth reaches containers through their published ports' }],
    ['no published port', { 'dev.berth.host': 'x.localhost' }, { label: 'dev.berth.port', message: 'the container publishes no TCP port: publish the port the app listens on (docker run -p 8080), Berth reaches containers through their published ports' }, { ports: [] }],
    ['weight out of range', { 'dev.berth.host': 'x.localhost', 'dev.berth.weight': '1000' }, { label: 'dev.berth.weight', message: 'must be a whole number from 0 to 999, got "1000"' }],
    ['bad listener list', { 'dev.berth.host': 'x.localhost', 'dev.berth.listener': '80;443' }, { label: 'dev.berth.listener', message: 'must be listener ports separated by commas, e.g. 8080 or 8080,8443; got "80;443"' }],
    ['group name AWS rejects', { 'dev.berth.host': 'x.localhost', 'dev.berth.group': 'my_group' }, { label: 'dev.berth.group', message: 'may hold only letters, digits and "-", got the string "my_group"' }],
    ['relative health path', { 'dev.berth.host': 'x.localhost', 'dev.berth.health.path': 'health' }, { label: 'dev.berth.health.path', message: 'a health-check path starts with "/", got the string "health"' }],
    ['bad path pattern', { 'dev.berth.path': '/a b' }, { label: 'dev.berth.path', message: `a path pattern may hold only A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & and the wildcards * and ?, got the string "/a b"` }],
    ['a router without host or path', { 'dev.berth.host': 'x.localhost', 'dev.berth.routers.admin.port': '8081' }, { label: 'dev.berth.routers.admin.host', message: 'the labels of router "admin" set port but neither host nor path' }],
  ];

  for (const [what, labels, expected, over] of cases) {
    it(`report ${what} for that container and keep the others`, () => {
      const { config, problems } = labelsToConfig([labelled('bad', labels, over), good]);
      expect(problems).toEqual([{ container: 'bad', ...expected }]);
      expect(labelRules(config).map((r) => r.conditions.hostHeader)).toEqual([['good.localhost']]);
      expect(configSchema.safeParse(config).success).toBe(true);
    });
  }

  it("report a priority another rule of the listener has, at the container's priority label", () => {
    const base = zeroConfig([], { httpsPort: null });
    base.loadBalancers[0]!.listeners[0]!.rules.push({ priority: 7, enabled: true, conditions: { pathPattern: ['/x'] }, action: { fixedResponse: { statusCode: '200' } } } as Rule);
    const { problems } = labelsToConfig([labelled('late', { 'dev.berth.host': 'late.localhost', 'dev.berth.priority': '7' }), good], base);
    expect(problems).toEqual([{ container: 'late', label: 'dev.berth.priority', message: 'priority 7 is already used by rules[0] of this listener' }]);
  });

  it('report the sixth target group of one host and path and route the first five', () => {
    const route = { 'dev.berth.host': 'busy.localhost' };
    const { config, problems } = labelsToConfig(['a', 'b', 'c', 'd', 'e', 'f'].map((n) => labelled(n, route)));
    expect(labelRules(config)[0]!.action.forward!.targetGroups.map((g) => g.name)).toEqual(['a-8081', 'b-8081', 'c-8081', 'd-8081', 'e-8081']);
    expect(problems).toEqual([{ container: 'f', label: 'dev.berth.host', message: 'more than 5 target groups share this host and path; this one is left out' }]);
  });

  it('never throw, whatever the labels hold', () => {
    const odd = [
      labelled('empty-values', { 'dev.berth.host': '', 'dev.berth.path': '' }),
      labelled('commas', { 'dev.berth.host': ',,,', 'dev.berth.port': ' ' }),
      labelled('huge', { 'dev.berth.host': `${'a'.repeat(300)}.localhost`, 'dev.berth.priority': '1e3' }),
      labelled('wild', { 'dev.berth.host': '*.*.*.*.*.*.localhost' }),
    ];
    const { config, problems } = labelsToConfig([...odd, good]);
    expect(problems.length).toBeGreaterThan(0);
    expect(new Set(problems.map((p) => p.container))).toEqual(new Set(['empty-values', 'commas', 'huge', 'wild']));
    expect(labelRules(config).map((r) => r.conditions.hostHeader)).toEqual([['good.localhost']]);
  });
});
