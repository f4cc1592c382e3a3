// import(export(config)) gives back the config itself, for every fixture and every format: what AWS
// cannot hold travels in the Berth metadata. The berth.yaml text import writes parses back the same.
// Without the metadata, only the local-only settings listed in NEEDS_METADATA may be missing.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema, type BerthConfig, type Listener, type Rule } from '../../../shared/model/index.js';
import { configToYaml, importConfig, readCloudFormation, readTerraform } from '../../../main/export/index.js';
import { applyLocalEntries, deepEqual, jsonClone, type LocalEntry } from '../../../main/export/local-settings.js';
import { FIXTURES, loadFixture, outputs, withoutMetadata } from './export-fixtures.js';

describe.each(FIXTURES)('round trip of %s', (name) => {
  const config = loadFixture(name);

  it.each([
    ['CloudFormation YAML', 'template.yaml', () => outputs(name).cfnYaml.text],
    ['CloudFormation JSON', 'template.json', () => outputs(name).cfnJson.text],
    ['Terraform', 'main.tf', () => outputs(name).terraform.text],
  ])('through %s', async (_, fileName, text) => {
    const back = await importConfig(text(), { fileName });
    expect(back.problems).toEqual([]);
    expect(jsonClone(back.config)).toEqual(jsonClone(config));
  });

  it('through the berth.yaml writer', () => {
    expect(jsonClone(configSchema.parse(parse(configToYaml(config))))).toEqual(jsonClone(config));
  });
});

// The round trip above holds by construction: the metadata carries whatever the AWS resources lose.
// Here the metadata is stripped, as when someone reads the stack back from AWS, and what comes back
// may differ from berth.yaml only in the fields below, which AWS has no place for. Any other
// difference — a listener, a rule's conditions or action, a target group's protocol, port, health
// check, algorithm, stickiness, deregistration delay or slow start — is a loss in the mapping.
type Entry = LocalEntry & { path: string };
const NEEDS_METADATA: { what: string; path: RegExp; applies?: (e: Entry, original: BerthConfig) => boolean }[] = [
  { what: 'Docker selectors (ECS registers the tasks on AWS)', path: /^targetGroups\[[^\]]+\]\.targets\.docker$/ },
  { what: 'static targets, addresses on this machine', path: /^targetGroups\[[^\]]+\]\.targets\.static$/ },
  { what: 'a target group port left to the targets (AWS requires one)', path: /^targetGroups\[[^\]]+\]\.port$/, applies: (e) => e.unset === true },
  { what: 'health checks switched off (AWS always checks instance and ip targets)', path: /^targetGroups\[[^\]]+\]\.healthCheck\.enabled$/, applies: (e) => e.value === false },
  { what: 'bind addresses', path: /\.listeners\[\d+\]\.address$/ },
  { what: 'listener and rule names', path: /\.listeners\[\d+\](\.rules\[\d+\])?\.name$/ },
  { what: 'local certificates (the local CA or PEM files; ACM ARNs on AWS)', path: /\.listeners\[\d+\]\.(certificates|hostnames)$/ },
  { what: "no sslPolicy (exported as AWS's default)", path: /\.listeners\[\d+\]\.sslPolicy$/, applies: (e) => e.unset === true },
  { what: 'UDP flow settings', path: /\.listeners\[\d+\]\.(udpIdleTimeoutSeconds|udpMaxFlows)$/ },
  { what: 'no fixed-response content type (Terraform requires one)', path: /\.fixedResponse\.contentType$/, applies: (e) => e.unset === true },
  { what: 'no unhealthyConnectionTermination beside a draining interval (Terraform requires one)', path: /^targetGroups\[[^\]]+\]\.unhealthyConnectionTermination$/, applies: (e) => e.unset === true },
  { what: 'load balancer names starting with internal- (AWS reserves the prefix)', path: /^loadBalancers\[[^\]]+\]\.name$/, applies: (e) => /^internal-/.test(String(e.value)) },
  {
    what: 'listeners switched off, or a second listener on a port',
    path: /^loadBalancers\[[^\]]+\]\.listeners$/,
    applies: (e, original) => {
      const l = e.value as Listener;
      const lb = original.loadBalancers.find((x) => x.listeners.some((y) => deepEqual(y, l)));
      return !l.enabled || (lb?.listeners.filter((y) => y.port === l.port && y.enabled).length ?? 0) > 1;
    },
  },
  {
    what: 'rules switched off, and SNI rules of network listeners (AWS network listeners have no rules)',
    path: /^loadBalancers\[[^\]]+\]\.listeners\[\d+\]\.rules$/,
    applies: (e, original) => !(e.value as Rule).enabled || original.loadBalancers.some((lb) => lb.type === 'network' && lb.listeners.some((l) => l.rules.some((r) => deepEqual(r, e.value)))),
  },
  { what: 'one target group shared by load balancers (a copy per load balancer on AWS)', path: /^targetGroups\[[^\]]+\]$/, applies: (e) => e.remove === true },
  { what: 'one target group shared by load balancers: the forwards to the copy', path: /\.forward\.targetGroups$/, applies: (e, original) => (e.value as { name: string }[]).some((g) => sharedGroups(original).has(g.name)) },
];

function sharedGroups(config: BerthConfig): Set<string> {
  const users = new Map<string, Set<string>>();
  for (const lb of config.loadBalancers) {
    for (const l of lb.listeners) {
      for (const a of [l.defaultAction, ...l.rules.map((r) => r.action)]) {
        for (const g of a.forward?.targetGroups ?? []) users.set(g.name, (users.get(g.name) ?? new Set()).add(lb.name));
      }
    }
  }
  return new Set([...users].filter(([, lbs]) => lbs.size > 1).map(([name]) => name));
}

describe.each(FIXTURES)('round trip of %s without the Berth metadata', (name) => {
  const config = loadFixture(name);

  it.each([
    ['CloudFormation YAML', 'cloudformation', 'template.yaml', () => outputs(name).cfnYaml.text],
    ['CloudFormation JSON', 'cloudformation', 'template.json', () => outputs(name).cfnJson.text],
    ['Terraform', 'terraform', 'main.tf', () => outputs(name).terraform.text],
  ] as const)('through %s keeps every field AWS can hold', async (_, format, fileName, text) => {
    const read = format === 'terraform' ? await readTerraform(text(), fileName) : readCloudFormation(text());
    const entries = (read.local ?? []) as Entry[];
    const unexpected = entries.filter((e) => !NEEDS_METADATA.some((n) => n.path.test(e.path) && (n.applies?.(e, config) ?? true)));
    expect(unexpected, 'settings AWS can express, yet carried only by the metadata').toEqual([]);

    const bare = await importConfig(withoutMetadata(text(), format), { fileName });
    expect(bare.problems.filter((p) => p.severity === 'error')).toEqual([]);
    // The stripped import plus only the listed local-only settings is berth.yaml again.
    const restored = jsonClone(bare.config) as unknown as Record<string, unknown>;
    expect(applyLocalEntries(restored, entries)).toEqual([]);
    expect(jsonClone(configSchema.parse(restored))).toEqual(jsonClone(config));
  });
});
