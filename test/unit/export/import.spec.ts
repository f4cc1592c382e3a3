// Importing files Berth did not write: what maps, what is reported (with file positions), and how
// Docker selectors are proposed from ECS services and compose service names.
import { describe, expect, it } from 'vitest';
import { composeServices, exportConfig, importConfig, nameSimilarity, proposeSelectors } from '../../../main/export/index.js';
import type { ImportProblem } from '../../../main/export/index.js';
import { fixtureFile, loadFixture } from './export-fixtures.js';

const services = composeServices(fixtureFile('import/compose.yaml'));
const at = (problems: ImportProblem[], code: string) => problems.filter((p) => p.code === code).map((p) => ({ line: p.where?.line, resource: p.where?.resource, path: p.where?.path }));

describe('importing a hand-written CloudFormation template', () => {
  const text = fixtureFile('import/console-alb.yaml');

  it('maps the ELB resources and reports the rest with line numbers', async () => {
    const r = await importConfig(text, { fileName: 'console-alb.yaml', services });
    expect(at(r.problems, 'unsupported-resource')).toEqual([{ line: 13, resource: 'Logs', path: undefined }]);
    // The regex condition (AWS, Oct 2025) imports as pathPatternRegex: nothing skipped.
    expect(at(r.problems, 'rule-skipped')).toEqual([]);
    expect(at(r.problems, 'unsupported-condition')).toEqual([]);
    expect(at(r.problems, 'unsupported-action')).toEqual([{ line: 41, resource: 'Https', path: 'DefaultActions[0]' }]);
    expect(at(r.problems, 'parameter-default')).toEqual([{ line: 27, resource: 'Http', path: 'Port' }]);
    expect(at(r.problems, 'registered-targets')).toEqual([{ line: 78, resource: 'CatalogGroup', path: 'Targets' }]);
    expect(r.problems.map((p) => p.code)).toEqual(expect.arrayContaining(['derived-name', 'unsupported-attribute', 'local-certificates']));

    const lb = r.config!.loadBalancers[0]!;
    expect(lb).toMatchObject({ name: 'public-alb', type: 'application', idleTimeoutSeconds: 90 });
    expect(lb.listeners.map((l) => `${l.protocol}:${l.port}`)).toEqual(['HTTP:8080', 'HTTPS:443']);
    expect(lb.listeners[0]!.rules.map((rule) => rule.priority)).toEqual([5, 10]);
    expect(lb.listeners[0]!.rules[0]!.conditions).toEqual({ pathPatternRegex: ['^/admin/.*$'] });
    expect(lb.listeners[1]).toMatchObject({ certificates: 'auto', defaultAction: { forward: { targetGroups: [{ name: 'catalog-tg', weight: 1 }] } } });
    expect(r.config!.targetGroups.map((tg) => [tg.name, tg.healthCheck.path, tg.targets.docker?.composeService])).toEqual([
      ['catalog-tg', '/status', 'catalog'],
      ['cart-target-group', '/', 'cart-api'],
    ]);
  });

  it('proposes selectors from the ECS service and from compose names, and says why', async () => {
    const r = await importConfig(text, { fileName: 'console-alb.yaml', services, proposals: 'report' });
    expect(r.proposals.map((p) => [p.targetGroup, p.selector, p.reason])).toEqual([
      ['catalog-tg', { composeProject: 'shop', composeService: 'catalog', containerPort: 8000 }, 'name similarity 100% with compose service catalog'],
      ['cart-target-group', { composeProject: 'shop', composeService: 'cart-api', containerPort: 9000 }, 'ECS container cart-api ↔ compose service cart-api'],
    ]);
    expect(r.config!.targetGroups.every((tg) => !tg.targets.docker)).toBe(true);
  });

  it('uses the selectors the user confirmed over any proposal', async () => {
    const r = await importConfig(text, { fileName: 'console-alb.yaml', services, selectors: { 'catalog-tg': { labels: { app: 'catalog' }, containerPort: 8001 } } });
    expect(r.config!.targetGroups[0]!.targets).toEqual({ docker: { labels: { app: 'catalog' }, containerPort: 8001 } });
  });

  it('without compose services, still uses the ECS container name and reports the group it cannot fill', async () => {
    const r = await importConfig(text, { fileName: 'console-alb.yaml' });
    expect(r.config!.targetGroups[1]!.targets).toEqual({ docker: { composeService: 'cart-api', containerPort: 9000 } });
    expect(at(r.problems, 'no-targets')).toEqual([{ line: undefined, resource: 'catalog-tg', path: undefined }]);
  });
});

describe('importing a hand-written Terraform file', () => {
  it('reads aws_alb aliases, variable defaults and reports what it cannot evaluate', async () => {
    const r = await importConfig(fixtureFile('import/hand-written.tf'), { fileName: 'hand-written.tf', services });
    expect(at(r.problems, 'unsupported-meta-argument')).toEqual([{ line: 50, resource: 'aws_lb_target_group_attachment.game_host', path: 'count' }]);
    expect(at(r.problems, 'parameter-default')).toEqual([{ line: 6, resource: 'aws_alb.api', path: 'internal' }]);
    expect(r.problems.map((p) => p.code)).toEqual(expect.arrayContaining(['unsupported-argument', 'registered-targets', 'health-check-timeout', 'no-targets']));
    const lb = r.config!.loadBalancers[0]!;
    expect(lb).toMatchObject({ name: 'api', type: 'network', scheme: 'internal' });
    expect(lb.listeners.map((l) => [l.port, l.defaultAction.forward?.targetGroups[0]?.name])).toEqual([[7000, 'game-server'], [9100, 'metrics']]);
    expect(r.config!.targetGroups[0]).toMatchObject({
      name: 'game-server',
      stickiness: { enabled: true, type: 'source_ip' },
      healthCheck: { protocol: 'TCP', intervalSeconds: 10, timeoutSeconds: 9 },
      targets: { docker: { composeProject: 'shop', composeService: 'game', containerPort: 7000 } },
    });
  });
});

describe('import problems that stop the import', () => {
  it('reports YAML syntax errors with their position', async () => {
    const r = await importConfig('Resources:\n  A: [1,\n', { fileName: 'broken.yaml' });
    expect(r.config).toBeUndefined();
    expect(r.problems[0]).toMatchObject({ severity: 'error', code: 'syntax', where: { line: expect.any(Number) } });
  });

  it('reports HCL syntax errors with their position', async () => {
    const r = await importConfig('resource "aws_lb" "x" {\n  name = \n', { fileName: 'broken.tf' });
    expect(r.config).toBeUndefined();
    expect(r.problems[0]).toMatchObject({ severity: 'error', code: 'syntax', where: { line: expect.any(Number) } });
  });

  it('says so when a file is no template at all', async () => {
    const r = await importConfig('just: text\n', { fileName: 'notes.yaml' });
    expect(r.problems.map((p) => p.code)).toEqual(['not-a-template']);
  });

  it('reports invalid results against the resource they came from', async () => {
    const text = fixtureFile('import/console-alb.yaml').replace('HealthCheckPath: /status', 'HealthCheckPath: status');
    const r = await importConfig(text, { fileName: 'x.yaml' });
    expect(r.config).toBeUndefined();
    expect(r.problems.find((p) => p.code === 'invalid')).toMatchObject({ where: { resource: 'CatalogGroup', line: 70, path: 'targetGroups.0.healthCheck.path' } });
  });
});

describe('Berth metadata after edits', () => {
  it('reports settings whose resource was removed from the file', async () => {
    const exported = exportConfig(loadFixture('03-host-routing'), { format: 'cloudformation' }).text;
    const edited = exported.replace(/\n {2}HostsHttp80Rule1:\n(?: {4}.*\n)+/, '\n');
    const r = await importConfig(edited, { fileName: 'x.yaml' });
    expect(r.problems).toEqual([expect.objectContaining({ code: 'stale-metadata', message: expect.stringContaining('loadBalancers[hosts].listeners[80].rules[1].name') })]);
    expect(r.config!.loadBalancers[0]!.listeners[0]!.rules.map((rule) => rule.priority)).toEqual([2, 3]);
  });

  it('ignores metadata it does not understand, saying so', async () => {
    const exported = exportConfig(loadFixture('02-minimal-http'), { format: 'terraform' }).text.replace('version = 1', 'version = 99');
    const r = await importConfig(exported, { fileName: 'main.tf' });
    expect(r.problems.map((p) => p.code)).toContain('bad-metadata');
  });
});

describe('gRPC health checks', () => {
  it.each(['cloudformation', 'terraform'] as const)('carry a GRPC group matcher as gRPC codes through %s and back', async (format) => {
    const config = loadFixture('09-https-grpc');
    const greeter = config.targetGroups.find((g) => g.name === 'greeter')!;
    greeter.healthCheck.matcher = '0-2';
    const text = exportConfig(config, { format }).text;
    expect(text).toMatch(format === 'cloudformation' ? /GrpcCode: ["']?0-2/ : /matcher\s+= "0-2"/);
    const r = await importConfig(text, { fileName: format === 'cloudformation' ? 'template.yaml' : 'main.tf' });
    expect(r.config!.targetGroups.find((g) => g.name === 'greeter')!.healthCheck).toMatchObject({ matcher: '0-2', path: '/grpc.health.v1.Health/Check' });
    expect(r.problems.map((p) => p.code)).not.toContain('unsupported-grpc-matcher');
  });
});

describe('selector proposals', () => {
  it('scores names after dropping target-group noise', () => {
    expect(nameSimilarity('catalog-tg', 'catalog')).toBe(1);
    expect(nameSimilarity('UsersTargetGroup', 'users')).toBe(1);
    expect(nameSimilarity('game-server', 'game')).toBe(0.8);
    expect(nameSimilarity('metrics', 'node-exporter')).toBeLessThan(0.5);
  });

  it('takes the container port the service exposes, or the only one it has', () => {
    const [p] = proposeSelectors([{ name: 'node-exporter-tg', port: 80, protocol: 'TCP' }], services);
    expect(p!.selector).toEqual({ composeProject: 'shop', composeService: 'node-exporter', containerPort: 9100 });
  });

  it('reads compose ports in short and long syntax, and expose', () => {
    expect(services.map((s) => [s.name, s.containerPorts])).toEqual([['catalog', [8000]], ['cart-api', [9000]], ['game', [7000, 7001]], ['node-exporter', [9100]]]);
    expect(composeServices('services:\n  web: {}\n', 'My App')).toEqual([{ name: 'web', project: 'myapp', containerPorts: [] }]);
  });
});
