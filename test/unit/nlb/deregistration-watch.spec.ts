// Connections to a deregistered target: closed when its delay is over only if the group says so,
// with AWS's defaults (off for TCP and TLS groups, on for UDP and TCP_UDP).
import { afterEach, describe, expect, it } from 'vitest';
import { DeregistrationWatch, terminatesOnDeregistration } from '../../../main/nlb/deregistration-watch.js';
import { TargetGroupRuntime } from '../../../main/targets/index.js';
import { targetGroupSchema } from '../../../shared/model/index.js';
import { eventually } from '../../helpers/eventually.js';

const groups: TargetGroupRuntime[] = [];
afterEach(() => groups.splice(0).forEach((g) => g.close()));

function group(config: Record<string, unknown>): TargetGroupRuntime {
  const g = new TargetGroupRuntime(targetGroupSchema.parse({ name: 'g', protocol: 'TCP', deregistrationDelaySeconds: 0, ...config }), { healthChecks: false });
  g.setTargets([{ id: 't1', host: '127.0.0.1', port: 1, source: 'static' }]);
  groups.push(g);
  return g;
}

describe('deregistration and connection termination', () => {
  it('follows AWS defaults when connectionTermination is unset', () => {
    expect(terminatesOnDeregistration(group({}))).toBe(false);
    expect(terminatesOnDeregistration(group({ protocol: 'TLS' }))).toBe(false);
    expect(terminatesOnDeregistration(group({ protocol: 'UDP' }))).toBe(true);
    expect(terminatesOnDeregistration(group({ protocol: 'TCP_UDP' }))).toBe(true);
    expect(terminatesOnDeregistration(group({ connectionTermination: true }))).toBe(true);
    expect(terminatesOnDeregistration(group({ protocol: 'UDP', connectionTermination: false }))).toBe(false);
  });

  for (const connectionTermination of [true, false]) {
    it(`connectionTermination ${connectionTermination}: ${connectionTermination ? 'terminates' : 'keeps'} connections once the target is unused`, async () => {
      const g = group({ connectionTermination });
      const target = g.pick({ clientIp: '127.0.0.1' })!.target;
      const terminated: string[] = [];
      const watch = new DeregistrationWatch();
      const connection = { group: g, target, terminate: (reason: string) => terminated.push(reason) };
      watch.add(connection);
      g.setTargets([]);
      await eventually(() => expect(target.health).toBe('unused'));
      expect(terminated).toEqual(connectionTermination ? ['deregistered'] : []);
      watch.remove(connection);
      expect(g.listenerCount('changed')).toBe(0);
    });
  }
});
