// Rules only the ELB API enforces: a config Berth accepts locally but AWS would reject at deploy
// time is still exported, with the broken rule in the warnings instead of a failed stack later.
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../shared/model/index.js';
import { exportConfig } from '../../../main/export/index.js';

describe('export of a config AWS would reject', () => {
  it('warns about a gRPC group behind a plain HTTP listener', () => {
    const config = configSchema.parse({
      loadBalancers: [{ name: 'web', listeners: [{ port: 80, protocol: 'HTTP', defaultAction: { forward: 'grpc' } }] }],
      targetGroups: [{ name: 'grpc', protocol: 'HTTP', port: 50051, protocolVersion: 'GRPC' }],
    });
    const { warnings } = exportConfig(config, { format: 'terraform' });
    expect(warnings).toContainEqual({ code: 'elb-rule', path: 'WebHttp80Listener', message: 'GRPC target group grpc can only be used by HTTPS listeners' });
  });

  it('warns when one target group serves two load balancers', () => {
    const config = configSchema.parse({
      loadBalancers: [
        { name: 'a', listeners: [{ port: 80, protocol: 'HTTP', defaultAction: { forward: 'shared' } }] },
        { name: 'b', listeners: [{ port: 81, protocol: 'HTTP', defaultAction: { forward: 'shared' } }] },
      ],
      targetGroups: [{ name: 'shared', protocol: 'HTTP', port: 80 }],
    });
    const { warnings } = exportConfig(config, { format: 'cloudformation' });
    expect(warnings.filter((w) => w.code === 'elb-rule').map((w) => w.message)).toEqual(['target group shared is already used by another load balancer; a target group belongs to one load balancer']);
  });
});
