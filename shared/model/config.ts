// berth.yaml as a whole: load balancers and target groups, plus the checks that span objects
// (references, priorities, listener/target-group pairing, duplicate ports) that AWS's API enforces.
import { z } from 'zod';
import { loadBalancerSchema, type Listener, type LoadBalancer } from './load-balancer.js';
import { targetGroupSchema, type TargetGroup } from './target-group.js';
import type { Action } from './actions.js';

export const configSchema = z
  .strictObject({
    loadBalancers: z.array(loadBalancerSchema).default([]),
    targetGroups: z.array(targetGroupSchema).default([]),
  })
  .superRefine((config, ctx) => {
    for (const issue of crossCheck(config)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });

export type BerthConfig = z.output<typeof configSchema>;
export type BerthConfigInput = z.input<typeof configSchema>;

export interface ConfigIssue {
  path: (string | number)[];
  message: string;
}

const L7 = new Set(['HTTP', 'HTTPS']);

/** Which target-group protocols a listener may forward to (elbv2-model.md 1.2). */
export function compatibleTargetGroupProtocols(listener: Listener['protocol']): string[] {
  switch (listener) {
    case 'HTTP':
    case 'HTTPS':
      return ['HTTP', 'HTTPS'];
    case 'TCP':
      return ['TCP', 'TCP_UDP', 'TLS'];
    case 'TLS':
      return ['TCP', 'TLS'];
    case 'UDP':
      return ['UDP', 'TCP_UDP'];
    case 'TCP_UDP':
      return ['TCP_UDP'];
  }
}

function crossCheck(config: { loadBalancers: LoadBalancer[]; targetGroups: TargetGroup[] }): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const groups = new Map<string, TargetGroup>();
  config.targetGroups.forEach((tg, i) => {
    if (groups.has(tg.name)) issues.push({ path: ['targetGroups', i, 'name'], message: `target group "${tg.name}" is defined twice` });
    groups.set(tg.name, tg);
  });

  const lbNames = new Set<string>();
  const bound = new Map<string, string>();
  config.loadBalancers.forEach((lb, li) => {
    const lbPath = ['loadBalancers', li];
    if (lbNames.has(lb.name)) issues.push({ path: [...lbPath, 'name'], message: `load balancer "${lb.name}" is defined twice` });
    lbNames.add(lb.name);

    lb.listeners.forEach((listener, i) => {
      const lp = [...lbPath, 'listeners', i];
      const application = lb.type === 'application';
      if (application !== L7.has(listener.protocol)) {
        issues.push({
          path: [...lp, 'protocol'],
          message: application
            ? `an application load balancer listens on HTTP or HTTPS, not ${listener.protocol}`
            : `a network load balancer listens on TCP, TLS, UDP or TCP_UDP, not ${listener.protocol}`,
        });
      }
      for (const family of socketFamilies(listener.protocol)) {
        const key = `${listener.address}|${listener.port}|${family}`;
        const other = bound.get(key);
        if (other) issues.push({ path: [...lp, 'port'], message: `${family} port ${listener.port} on ${listener.address} is already used by ${other}` });
        else bound.set(key, `load balancer "${lb.name}" (listener ${listener.port}/${listener.protocol})`);
      }
      if (listener.certificates && !(listener.protocol === 'HTTPS' || listener.protocol === 'TLS')) {
        issues.push({ path: [...lp, 'certificates'], message: `certificates apply to HTTPS and TLS listeners, not ${listener.protocol}` });
      }
      if (listener.sslPolicy && !(listener.protocol === 'HTTPS' || listener.protocol === 'TLS')) {
        issues.push({ path: [...lp, 'sslPolicy'], message: 'sslPolicy applies to HTTPS and TLS listeners only' });
      }
      if (listener.alpnPolicy && listener.protocol !== 'TLS') {
        issues.push({ path: [...lp, 'alpnPolicy'], message: 'alpnPolicy applies to TLS listeners only' });
      }
      if (listener.tcpIdleTimeoutSeconds !== undefined && listener.protocol !== 'TCP' && listener.protocol !== 'TCP_UDP') {
        issues.push({ path: [...lp, 'tcpIdleTimeoutSeconds'], message: 'tcpIdleTimeoutSeconds applies to TCP listeners (TLS listeners are fixed at 350 s)' });
      }
      checkAction(listener.defaultAction, listener, application, groups, [...lp, 'defaultAction'], issues);

      const priorities = new Map<number, number>();
      listener.rules.forEach((rule, ri) => {
        const rp = [...lp, 'rules', ri];
        const seen = priorities.get(rule.priority);
        if (seen !== undefined) issues.push({ path: [...rp, 'priority'], message: `priority ${rule.priority} is already used by rules[${seen}] of this listener` });
        else priorities.set(rule.priority, ri);
        if (!application) {
          const { sni, ...others } = rule.conditions;
          const extra = Object.keys(others).filter((k) => others[k as keyof typeof others] !== undefined);
          if (!sni || extra.length > 0) {
            issues.push({ path: [...rp, 'conditions'], message: 'rules on a network listener may use only the sni condition (a Berth extension for TLS pass-through)' });
          }
          if (listener.protocol !== 'TCP') {
            issues.push({ path: [...rp], message: 'sni rules route TLS pass-through and work on TCP listeners only' });
          }
        } else if (rule.conditions.sni) {
          issues.push({ path: [...rp, 'conditions', 'sni'], message: 'sni is for network listeners; an application listener routes by hostHeader' });
        }
        checkAction(rule.action, listener, application, groups, [...rp, 'action'], issues);
      });
    });
  });
  return issues;
}

function socketFamilies(protocol: Listener['protocol']): ('tcp' | 'udp')[] {
  if (protocol === 'UDP') return ['udp'];
  if (protocol === 'TCP_UDP') return ['tcp', 'udp'];
  return ['tcp'];
}

function checkAction(
  action: Action,
  listener: Listener,
  application: boolean,
  groups: Map<string, TargetGroup>,
  path: (string | number)[],
  issues: ConfigIssue[],
): void {
  if (!application && !action.forward) {
    issues.push({ path, message: 'a network listener can only forward (to one target group)' });
    return;
  }
  if (action.redirect && listener.protocol === 'HTTPS' && action.redirect.protocol === 'HTTP') {
    issues.push({ path: [...path, 'redirect', 'protocol'], message: 'AWS does not allow a redirect from HTTPS to HTTP' });
  }
  const forward = action.forward;
  if (!forward) return;
  if (!application && forward.targetGroups.length > 1) {
    issues.push({ path: [...path, 'forward', 'targetGroups'], message: 'a network listener forwards to exactly one target group' });
  }
  const allowed = compatibleTargetGroupProtocols(listener.protocol);
  forward.targetGroups.forEach((ref, i) => {
    const tg = groups.get(ref.name);
    const refPath = typeof action.forward === 'object' && forward.targetGroups.length === 1 ? [...path, 'forward'] : [...path, 'forward', 'targetGroups', i, 'name'];
    if (!tg) {
      const known = [...groups.keys()];
      issues.push({ path: refPath, message: `no target group named "${ref.name}"${known.length ? ` (known: ${known.join(', ')})` : ''}` });
      return;
    }
    if (!allowed.includes(tg.protocol)) {
      issues.push({ path: refPath, message: `the ${listener.protocol} listener cannot forward to the ${tg.protocol} target group "${tg.name}" (allowed: ${allowed.join(', ')})` });
    }
  });
  if (forward.targetGroups.length > 1 && forward.targetGroups.every((g) => g.weight === 0)) {
    issues.push({ path: [...path, 'forward', 'targetGroups'], message: 'at least one target group needs a weight above 0' });
  }
}
