// Rules only the ELB API enforces: a config Berth accepts locally but AWS would reject at deploy
// time is still exported, with the broken rule in the warnings instead of a failed stack later —
// or, where there is one AWS way to say the same, exported that way with a warning saying so.
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../shared/model/index.js';
import { exportConfig, importConfig } from '../../../main/export/index.js';
import { jsonClone } from '../../../main/export/local-settings.js';
import { withoutMetadata } from './export-fixtures.js';

describe('export of a config AWS would reject', () => {
  it('never exports a gRPC group behind a plain HTTP listener: the config itself is refused first', () => {
    const parsed = configSchema.safeParse({
      loadBalancers: [{ name: 'web', listeners: [{ port: 80, protocol: 'HTTP', defaultAction: { forward: 'grpc' } }] }],
      targetGroups: [{ name: 'grpc', protocol: 'HTTP', port: 50051, protocolVersion: 'GRPC' }],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toContainEqual(expect.objectContaining({ path: ['loadBalancers', 0, 'listeners', 0, 'defaultAction', 'forward'], message: expect.stringContaining('can only be used by HTTPS listeners') }));
  });

  it('gives each further load balancer its own copy of a shared target group, which AWS accepts', async () => {
    const config = configSchema.parse({
      loadBalancers: [
        { name: 'a', listeners: [{ port: 80, protocol: 'HTTP', defaultAction: { forward: 'shared' } }] },
        { name: 'b', listeners: [{ port: 81, protocol: 'HTTP', defaultAction: { forward: 'shared' } }] },
      ],
      targetGroups: [{ name: 'shared', protocol: 'HTTP', port: 80, healthCheck: { path: '/up' } }],
    });
    for (const format of ['cloudformation', 'terraform'] as const) {
      const { text, warnings } = exportConfig(config, { format });
      expect(warnings.filter((w) => w.code === 'elb-rule')).toEqual([]);
      expect(warnings).toContainEqual({
        code: 'target-group-split',
        path: 'targetGroups[shared]',
        message: 'serves load balancers a and b; AWS associates a target group with one load balancer, so b forwards to the copy shared-b (same settings and targets) — berth import merges them back',
      });
      const fileName = format === 'terraform' ? 'main.tf' : 'template.yaml';
      // With the metadata: the one shared group of berth.yaml.
      const back = await importConfig(text, { fileName });
      expect(back.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(jsonClone(back.config)).toEqual(jsonClone(config));
      // Without it: what AWS holds, two groups with the same settings, and no error.
      const bare = await importConfig(withoutMetadata(text, format), { fileName });
      expect(bare.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(bare.config!.targetGroups.map((tg) => [tg.name, tg.healthCheck.path])).toEqual([['shared', '/up'], ['shared-b', '/up']]);
      expect(bare.config!.loadBalancers.map((lb) => lb.listeners[0]!.defaultAction.forward!.targetGroups[0]!.name)).toEqual(['shared', 'shared-b']);
    }
  });

  it('keeps the copy names unique and within 32 characters', () => {
    const long = 'a-very-long-load-balancer-name';
    const config = configSchema.parse({
      loadBalancers: [
        { name: 'a', listeners: [{ port: 80, protocol: 'HTTP', defaultAction: { forward: 'shared' } }] },
        { name: long, listeners: [{ port: 81, protocol: 'HTTP', defaultAction: { forward: 'shared' } }] },
      ],
      targetGroups: [{ name: 'shared', protocol: 'HTTP', port: 80 }, { name: 'shared-a-very-long-load-balancer', protocol: 'HTTP', port: 80 }],
    });
    const { text } = exportConfig(config, { format: 'cloudformation' });
    expect(text).toContain('Name: shared-a-very-long-load-balanc-2');
  });

  it('still reports a foreign template that shares a target group, at the resource that does', async () => {
    const { text } = exportConfig(configSchema.parse({
      loadBalancers: [
        { name: 'a', listeners: [{ port: 80, protocol: 'HTTP', defaultAction: { forward: 'shared' } }] },
        { name: 'b', listeners: [{ port: 81, protocol: 'HTTP', defaultAction: { forward: 'other' } }] },
      ],
      targetGroups: [{ name: 'shared', protocol: 'HTTP', port: 80 }, { name: 'other', protocol: 'HTTP', port: 80 }],
    }), { format: 'cloudformation' });
    const edited = withoutMetadata(text, 'cloudformation').replace(/TargetGroupArn: !Ref OtherTargetGroup/, 'TargetGroupArn: !Ref SharedTargetGroup');
    const back = await importConfig(edited, { fileName: 'template.yaml' });
    const line = edited.split('\n').findIndex((l) => l.startsWith('  BHttp81Listener:')) + 1;
    expect(back.problems).toContainEqual({
      severity: 'error', code: 'elb-rule', where: expect.objectContaining({ resource: 'BHttp81Listener', line }),
      message: 'target group shared is already used by another load balancer; a target group belongs to one load balancer',
    });
  });
});
