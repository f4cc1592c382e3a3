// A target group as the form edits it (text fields) and back, keeping the keys the form does not
// show (port, protocolVersion, targetType, proxy protocol…) as they were.
import type { TargetGroup } from '../../../shared/model/index.js';
import { splitList } from './form-errors.js';

export interface TargetGroupDraft {
  name: string;
  protocol: string;
  algorithm: string;
  /** `key=value` per line. */
  labels: string;
  containerName: string;
  image: string;
  composeProject: string;
  composeService: string;
  containerPort: string;
  staticTargets: string;
  healthEnabled: boolean;
  healthPath: string;
  healthInterval: string;
  healthTimeout: string;
  healthyThreshold: string;
  unhealthyThreshold: string;
  matcher: string;
  deregistrationDelay: string;
  slowStart: string;
  stickinessEnabled: boolean;
  stickinessType: string;
  stickinessSeconds: string;
  cookieName: string;
}

export function emptyGroupDraft(): TargetGroupDraft {
  return {
    name: '',
    protocol: 'HTTP',
    algorithm: 'round_robin',
    labels: '',
    containerName: '',
    image: '',
    composeProject: '',
    composeService: '',
    containerPort: '8080',
    staticTargets: '',
    healthEnabled: true,
    healthPath: '/',
    healthInterval: '',
    healthTimeout: '',
    healthyThreshold: '',
    unhealthyThreshold: '',
    matcher: '',
    deregistrationDelay: '',
    slowStart: '',
    stickinessEnabled: false,
    stickinessType: 'lb_cookie',
    stickinessSeconds: '',
    cookieName: '',
  };
}

export function draftFromGroup(g: TargetGroup): TargetGroupDraft {
  const d = g.targets.docker;
  const hc = g.healthCheck;
  return {
    name: g.name,
    protocol: g.protocol,
    algorithm: g.loadBalancingAlgorithm,
    labels: Object.entries(d?.labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
    containerName: d?.containerName ?? '',
    image: d?.image ?? '',
    composeProject: d?.composeProject ?? '',
    composeService: d?.composeService ?? '',
    containerPort: d ? String(d.containerPort) : '',
    staticTargets: (g.targets.static ?? []).join('\n'),
    healthEnabled: hc.enabled,
    healthPath: hc.path,
    healthInterval: String(hc.intervalSeconds),
    healthTimeout: String(hc.timeoutSeconds),
    healthyThreshold: String(hc.healthyThresholdCount),
    unhealthyThreshold: String(hc.unhealthyThresholdCount),
    matcher: hc.matcher,
    deregistrationDelay: String(g.deregistrationDelaySeconds),
    slowStart: String(g.slowStartSeconds),
    stickinessEnabled: g.stickiness.enabled,
    // Network groups stick by source IP only: the one type their form offers.
    stickinessType: isNetworkProtocol(g.protocol) ? 'source_ip' : g.stickiness.type,
    stickinessSeconds: String(g.stickiness.durationSeconds),
    cookieName: g.stickiness.cookieName ?? '',
  };
}

const num = (s: string): number | string => (/^-?\d+$/.test(s.trim()) ? Number(s.trim()) : s.trim());
const opt = <T,>(key: string, value: string, map: (s: string) => T = (s) => s as T): Record<string, T> => (value.trim() ? { [key]: map(value.trim()) } : {});

/** The group as berth.yaml would hold it (schema input), to be validated by targetGroupSchema. */
export function groupFromDraft(d: TargetGroupDraft, original?: TargetGroup): Record<string, unknown> {
  const labels = Object.fromEntries(
    d.labels
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => {
        const i = l.indexOf('=');
        return i < 0 ? [l, ''] : [l.slice(0, i).trim(), l.slice(i + 1).trim()];
      }),
  );
  const selects = Object.keys(labels).length || d.containerName.trim() || d.image.trim() || d.composeProject.trim() || d.composeService.trim();
  const docker = selects || d.containerPort.trim()
    ? {
        ...(Object.keys(labels).length ? { labels } : {}),
        ...opt('containerName', d.containerName),
        ...opt('image', d.image),
        ...opt('composeProject', d.composeProject),
        ...opt('composeService', d.composeService),
        containerPort: num(d.containerPort),
        ...dockerProtocol(d, original),
      }
    : undefined;
  const statics = splitList(d.staticTargets);
  const { healthCheck: _hc, stickiness: _st, targets: _t, ...kept } = original ?? ({} as Partial<TargetGroup>);
  return {
    ...kept,
    name: d.name.trim(),
    protocol: d.protocol,
    loadBalancingAlgorithm: d.algorithm,
    ...opt('deregistrationDelaySeconds', d.deregistrationDelay, num),
    ...opt('slowStartSeconds', d.slowStart, num),
    healthCheck: {
      // An explicit health-check protocol and port stay as long as the group's protocol does.
      ...(original && original.protocol === d.protocol ? { protocol: original.healthCheck.protocol, port: original.healthCheck.port } : {}),
      enabled: d.healthEnabled,
      ...opt('path', d.healthPath),
      ...opt('intervalSeconds', d.healthInterval, num),
      ...opt('timeoutSeconds', d.healthTimeout, num),
      ...opt('healthyThresholdCount', d.healthyThreshold, num),
      ...opt('unhealthyThresholdCount', d.unhealthyThreshold, num),
      ...opt('matcher', d.matcher),
    },
    // Switched off, the type is written only as berth.yaml had it: the form's choice per protocol is no edit.
    stickiness: { enabled: d.stickinessEnabled, ...(d.stickinessEnabled || d.stickinessType === original?.stickiness.type ? { type: d.stickinessType } : {}), ...opt('durationSeconds', d.stickinessSeconds, num), ...opt('cookieName', d.cookieName) },
    targets: { ...(docker ? { docker } : {}), ...(statics.length ? { static: statics } : {}) },
  };
}

/** A UDP group selects the containers' UDP ports; otherwise the selector's protocol stays as it was
 * while the group's protocol does (TCP, the default, when it changes). */
function dockerProtocol(d: TargetGroupDraft, original: TargetGroup | undefined): { protocol?: 'tcp' | 'udp' } {
  if (d.protocol === 'UDP') return { protocol: 'udp' };
  const kept = original && original.protocol === d.protocol ? original.targets.docker?.protocol : undefined;
  return kept ? { protocol: kept } : {};
}

const NETWORK = new Set(['TCP', 'TLS', 'UDP', 'TCP_UDP']);
export const isNetworkProtocol = (protocol: string): boolean => NETWORK.has(protocol);
