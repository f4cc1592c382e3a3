// The checks of berth.yaml that span objects (references, duplicate names, priorities and ports,
// listener/target-group pairing) that AWS's API enforces. They read the config defensively, so they
// also run when some field failed its own schema: `berth validate` then lists a missing target group
// and a mistyped port in the same pass, instead of revealing them one fix at a time.
import { LISTENER_PROTOCOLS } from './limits.js';
import { TARGET_GROUP_PROTOCOLS } from './target-group.js';
import { resourceName } from './actions.js';

type ListenerProtocol = (typeof LISTENER_PROTOCOLS)[number];
type TargetGroupProtocol = (typeof TARGET_GROUP_PROTOCOLS)[number];

export interface ConfigIssue {
  path: (string | number)[];
  message: string;
}

/** Which target-group protocols a listener may forward to (elbv2-model.md 1.2). */
export function compatibleTargetGroupProtocols(listener: ListenerProtocol): string[] {
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

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const oneOf = <T extends string>(v: unknown, values: readonly T[]): T | undefined => (values.includes(v as T) ? (v as T) : undefined);
const L7 = new Set<string>(['HTTP', 'HTTPS']);

/** The listener facts the action checks need; undefined where the listener's own field is invalid. */
interface ListenerFacts {
  protocol: ListenerProtocol | undefined;
  application: boolean | undefined;
}

/** `config` is the parsed config, or — when some fields failed — the partly parsed value. */
export function crossCheck(config: unknown): ConfigIssue[] {
  const root = obj(config) ?? {};
  const issues: ConfigIssue[] = [];
  // A group whose own protocol is invalid is still known by name; its pairing is not checked.
  const groups = new Map<string, TargetGroupProtocol | undefined>();
  // Groups reached over HTTP/2 (protocolVersion HTTP2 or GRPC): HTTPS listeners only.
  const http2Groups = new Map<string, string>();
  list(root.targetGroups).forEach((raw, i) => {
    const tg = obj(raw);
    const name = str(tg?.name);
    if (!tg || name === undefined) return;
    if (groups.has(name)) issues.push({ path: ['targetGroups', i, 'name'], message: `target group "${name}" is defined twice` });
    groups.set(name, oneOf(tg.protocol, TARGET_GROUP_PROTOCOLS));
    const version = str(tg.protocolVersion);
    if (version === 'HTTP2' || version === 'GRPC') http2Groups.set(name, version);
  });

  const lbNames = new Set<string>();
  const bound = new Map<string, string>();
  list(root.loadBalancers).forEach((raw, li) => {
    const lb = obj(raw);
    if (!lb) return;
    const lbPath = ['loadBalancers', li];
    const lbName = str(lb.name);
    if (lbName !== undefined && lbNames.has(lbName)) issues.push({ path: [...lbPath, 'name'], message: `load balancer "${lbName}" is defined twice` });
    if (lbName !== undefined) lbNames.add(lbName);
    const type = oneOf(lb.type ?? 'application', ['application', 'network'] as const);
    const application = type === undefined ? undefined : type === 'application';

    list(lb.listeners).forEach((rawListener, i) => {
      const listener = obj(rawListener);
      if (!listener) return;
      const lp = [...lbPath, 'listeners', i];
      const protocol = oneOf(listener.protocol, LISTENER_PROTOCOLS);
      if (protocol && application !== undefined && application !== L7.has(protocol)) {
        issues.push({
          path: [...lp, 'protocol'],
          message: application
            ? `an application load balancer listens on HTTP or HTTPS, not ${protocol}`
            : `a network load balancer listens on TCP, TLS, UDP or TCP_UDP, not ${protocol}`,
        });
      }
      const port = listener.port;
      const address = str(listener.address) ?? '127.0.0.1';
      if (protocol && typeof port === 'number') {
        for (const family of socketFamilies(protocol)) {
          const key = `${address}|${port}|${family}`;
          const other = bound.get(key);
          if (other) issues.push({ path: [...lp, 'port'], message: `${family} port ${port} on ${address} is already used by ${other}` });
          else bound.set(key, `load balancer "${lbName ?? `loadBalancers[${li}]`}" (listener ${port}/${protocol})`);
        }
      }
      if (protocol) listenerOptionIssues(listener, protocol, lp, issues);
      const facts: ListenerFacts = { protocol, application };
      checkAction(listener.defaultAction, facts, groups, [...lp, 'defaultAction'], issues, http2Groups);

      const priorities = new Map<number, number>();
      list(listener.rules).forEach((rawRule, ri) => {
        const rule = obj(rawRule);
        if (!rule) return;
        const rp = [...lp, 'rules', ri];
        if (typeof rule.priority === 'number') {
          const seen = priorities.get(rule.priority);
          if (seen !== undefined) issues.push({ path: [...rp, 'priority'], message: `priority ${rule.priority} is already used by rules[${seen}] of this listener` });
          else priorities.set(rule.priority, ri);
        }
        const conditions = obj(rule.conditions);
        if (application === false && conditions) {
          const { sni, ...others } = conditions;
          const extra = Object.keys(others).filter((k) => others[k] !== undefined);
          if (sni === undefined || extra.length > 0) {
            issues.push({ path: [...rp, 'conditions'], message: 'rules on a network listener may use only the sni condition (a Berth extension for TLS pass-through)' });
          }
          if (protocol && protocol !== 'TCP') {
            issues.push({ path: [...rp], message: 'sni rules route TLS pass-through and work on TCP listeners only' });
          }
        } else if (application === true && conditions?.sni !== undefined) {
          issues.push({ path: [...rp, 'conditions', 'sni'], message: 'sni is for network listeners; an application listener routes by hostHeader' });
        }
        checkAction(rule.action, facts, groups, [...rp, 'action'], issues, http2Groups);
      });
    });
  });
  return issues;
}

function listenerOptionIssues(listener: Obj, protocol: ListenerProtocol, lp: (string | number)[], issues: ConfigIssue[]): void {
  const tls = protocol === 'HTTPS' || protocol === 'TLS';
  if (listener.certificates !== undefined && !tls) {
    issues.push({ path: [...lp, 'certificates'], message: `certificates apply to HTTPS and TLS listeners, not ${protocol}` });
  }
  if (listener.sslPolicy !== undefined && !tls) {
    issues.push({ path: [...lp, 'sslPolicy'], message: 'sslPolicy applies to HTTPS and TLS listeners only' });
  }
  if (listener.alpnPolicy !== undefined && protocol !== 'TLS') {
    issues.push({ path: [...lp, 'alpnPolicy'], message: 'alpnPolicy applies to TLS listeners only' });
  }
  const mods = obj(listener.headerModification);
  if (mods && protocol !== 'HTTP' && protocol !== 'HTTPS') {
    issues.push({ path: [...lp, 'headerModification'], message: 'headerModification applies to application (HTTP, HTTPS) listeners' });
  } else if (mods?.requestHeaderNames !== undefined && protocol === 'HTTP') {
    issues.push({ path: [...lp, 'headerModification', 'requestHeaderNames'], message: 'the TLS and mTLS request headers exist on HTTPS listeners only' });
  }
  if (listener.tcpIdleTimeoutSeconds !== undefined && protocol !== 'TCP' && protocol !== 'TCP_UDP') {
    issues.push({ path: [...lp, 'tcpIdleTimeoutSeconds'], message: 'tcpIdleTimeoutSeconds applies to TCP listeners (TLS listeners are fixed at 350 s)' });
  }
}

function socketFamilies(protocol: ListenerProtocol): ('tcp' | 'udp')[] {
  if (protocol === 'UDP') return ['udp'];
  if (protocol === 'TCP_UDP') return ['tcp', 'udp'];
  return ['tcp'];
}

/** The target groups a forward names: the parsed shape, or the `forward: name` shorthand left unparsed. */
function forwardRefs(forward: unknown): { name: string; weight: unknown }[] {
  if (typeof forward === 'string') return [{ name: forward, weight: 1 }];
  return list(obj(forward)?.targetGroups).flatMap((raw) => {
    const ref = obj(raw);
    const name = str(ref?.name);
    return name === undefined ? [] : [{ name, weight: ref?.weight ?? 1 }];
  });
}

function checkAction(
  raw: unknown,
  listener: ListenerFacts,
  groups: Map<string, TargetGroupProtocol | undefined>,
  path: (string | number)[],
  issues: ConfigIssue[],
  http2Groups: Map<string, string>,
): void {
  const action = obj(raw);
  if (!action) return;
  if (listener.application === false && action.forward === undefined) {
    if (action.redirect !== undefined || action.fixedResponse !== undefined) issues.push({ path, message: 'a network listener can only forward' });
    return;
  }
  if (action.redirect !== undefined && listener.protocol === 'HTTPS' && obj(action.redirect)?.protocol === 'HTTP') {
    issues.push({ path: [...path, 'redirect', 'protocol'], message: 'AWS does not allow a redirect from HTTPS to HTTP' });
  }
  if (action.forward === undefined) return;
  const refs = forwardRefs(action.forward);
  if (listener.application === false && obj(obj(action.forward)?.stickiness)?.enabled === true) {
    issues.push({ path: [...path, 'forward', 'stickiness'], message: 'target-group stickiness is an AWSALBTG cookie: application listeners only' });
  }
  const allowed = listener.protocol ? compatibleTargetGroupProtocols(listener.protocol) : undefined;
  refs.forEach((ref, i) => {
    // A malformed name is reported by its own schema; "no such group" on top would only repeat it.
    if (!resourceName.safeParse(ref.name).success) return;
    const refPath = refs.length === 1 ? [...path, 'forward'] : [...path, 'forward', 'targetGroups', i, 'name'];
    if (!groups.has(ref.name)) {
      const known = [...groups.keys()];
      issues.push({ path: refPath, message: `no target group named "${ref.name}"${known.length ? ` (known: ${known.join(', ')})` : ''}` });
      return;
    }
    const tgProtocol = groups.get(ref.name);
    if (allowed && tgProtocol && !allowed.includes(tgProtocol)) {
      issues.push({ path: refPath, message: `the ${listener.protocol} listener cannot forward to the ${tgProtocol} target group "${ref.name}" (allowed: ${allowed.join(', ')})` });
    }
    const version = http2Groups.get(ref.name);
    if (version && listener.protocol === 'HTTP') {
      issues.push({ path: refPath, message: `the ${version} target group "${ref.name}" can only be used by HTTPS listeners: HTTP/2 and gRPC reach Berth over TLS, as on AWS` });
    }
  });
  if (refs.length > 1 && refs.every((g) => g.weight === 0)) {
    issues.push({ path: [...path, 'forward', 'targetGroups'], message: 'at least one target group needs a weight above 0' });
  }
}
