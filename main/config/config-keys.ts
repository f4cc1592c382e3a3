// The keys each kind of object in berth.yaml allows, found from where it sits in the file. Used to
// suggest the intended key when an unknown one appears ("prioirty" → "priority").
import {
  actionSchema,
  conditionsSchema,
  configSchema,
  dockerSelectorSchema,
  fixedResponseSchema,
  listenerSchema,
  loadBalancerSchema,
  redirectSchema,
  ruleSchema,
} from '../../shared/model/index.js';

type Path = readonly PropertyKey[];

const keys = (shape: object) => Object.keys(shape);

const TABLE: Record<string, string[]> = {
  root: keys(configSchema.shape),
  loadBalancer: keys(loadBalancerSchema.shape),
  listener: keys(listenerSchema.shape),
  rule: keys(ruleSchema.shape),
  conditions: keys(conditionsSchema.shape),
  action: keys(actionSchema.shape),
  forward: ['targetGroups', 'stickiness'],
  weightedGroup: ['name', 'weight'],
  groupStickiness: ['enabled', 'durationSeconds'],
  redirect: keys(redirectSchema.shape),
  fixedResponse: keys(fixedResponseSchema.shape),
  httpHeader: ['name', 'values'],
  queryString: ['key', 'value'],
  certificate: ['certFile', 'keyFile'],
  targetGroup: [
    'name', 'protocol', 'port', 'protocolVersion', 'targetType', 'loadBalancingAlgorithm', 'deregistrationDelaySeconds',
    'slowStartSeconds', 'healthCheck', 'stickiness', 'proxyProtocolV2', 'preserveClientIp', 'connectionTermination', 'targets',
  ],
  healthCheck: ['enabled', 'protocol', 'port', 'path', 'intervalSeconds', 'timeoutSeconds', 'healthyThresholdCount', 'unhealthyThresholdCount', 'matcher'],
  tgStickiness: ['enabled', 'type', 'durationSeconds', 'cookieName'],
  targets: ['docker', 'static'],
  docker: keys(dockerSelectorSchema.shape),
};

/** What kind of object the map at `path` is. */
export function objectKindAt(path: Path): string | undefined {
  const names = path.filter((p): p is string => typeof p === 'string');
  const last = path[path.length - 1];
  const lastName = names[names.length - 1];
  const indexed = typeof last === 'number';
  if (path.length === 0) return 'root';
  if (indexed) {
    switch (lastName) {
      case 'loadBalancers':
        return 'loadBalancer';
      case 'listeners':
        return 'listener';
      case 'rules':
        return 'rule';
      case 'targetGroups':
        return names.includes('forward') ? 'weightedGroup' : 'targetGroup';
      case 'httpHeader':
        return 'httpHeader';
      case 'queryString':
        return 'queryString';
      case 'certificates':
        return 'certificate';
      default:
        return undefined;
    }
  }
  switch (lastName) {
    case 'conditions':
    case 'forward':
    case 'redirect':
    case 'fixedResponse':
    case 'healthCheck':
    case 'targets':
    case 'docker':
      return lastName;
    case 'action':
    case 'defaultAction':
      return 'action';
    case 'stickiness':
      return names.includes('forward') ? 'groupStickiness' : 'tgStickiness';
    default:
      return undefined;
  }
}

export function allowedKeysAt(path: Path): string[] {
  const kind = objectKindAt(path);
  return kind ? (TABLE[kind] ?? []) : [];
}

export function suggestKey(unknown: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const d = levenshtein(unknown.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(unknown.length / 3)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
