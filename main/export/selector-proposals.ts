// Which local containers should fill an imported target group? An ECS service's loadBalancers entry
// names the container and port outright; otherwise Berth proposes the compose service whose name is
// most like the target group's. Proposals are only suggestions: the CLI asks before using them.
import type { DockerSelector } from '../../shared/model/index.js';

export interface ComposeService {
  name: string;
  project?: string;
  /** Ports inside the container, from `ports` and `expose`. */
  containerPorts: number[];
}

export interface SelectorProposal {
  targetGroup: string;
  selector: DockerSelector;
  /** Why Berth proposes it, for a person to judge. */
  reason: string;
  /** 0–1; 1 for an ECS binding matched to a compose service of the same name. */
  confidence: number;
}

export interface TargetGroupFacts {
  name: string;
  port?: number;
  protocol: string;
  /** From an ECS service in the imported file. */
  ecs?: { containerName: string; containerPort: number };
}

const MIN_CONFIDENCE = 0.5;
const NOISE = /(target-?group|tg|service|svc|group)$/;

function normalise(name: string): string {
  const lower = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return lower.replace(NOISE, '').replace(/-+$/, '') || lower;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** 1 for equal names after normalising, 0.8 when one contains the other, else edit-distance based. */
export function nameSimilarity(a: string, b: string): number {
  const x = normalise(a);
  const y = normalise(b);
  if (x === y) return 1;
  const distance = 1 - levenshtein(x, y) / Math.max(x.length, y.length, 1);
  return x.includes(y) || y.includes(x) ? Math.max(0.8, distance) : distance;
}

function bestService(name: string, services: ComposeService[]): { service: ComposeService; score: number } | undefined {
  let best: { service: ComposeService; score: number } | undefined;
  for (const service of services) {
    const score = nameSimilarity(name, service.name);
    if (!best || score > best.score) best = { service, score };
  }
  return best;
}

export function proposeSelectors(groups: TargetGroupFacts[], services: ComposeService[]): SelectorProposal[] {
  const proposals: SelectorProposal[] = [];
  for (const tg of groups) {
    const protocol = tg.protocol === 'UDP' ? { protocol: 'udp' as const } : {};
    if (tg.ecs) {
      const match = bestService(tg.ecs.containerName, services);
      const same = match && match.score >= MIN_CONFIDENCE;
      proposals.push({
        targetGroup: tg.name,
        selector: { ...(same && match.service.project ? { composeProject: match.service.project } : {}), composeService: same ? match.service.name : tg.ecs.containerName, containerPort: tg.ecs.containerPort, ...protocol },
        reason: same ? `ECS container ${tg.ecs.containerName} ↔ compose service ${match.service.name}` : `ECS container ${tg.ecs.containerName} (no compose service of that name found)`,
        confidence: same ? match.score : 0.6,
      });
      continue;
    }
    const match = bestService(tg.name, services);
    if (!match || match.score < MIN_CONFIDENCE) continue;
    const ports = match.service.containerPorts;
    const containerPort = tg.port !== undefined && ports.includes(tg.port) ? tg.port : ports.length === 1 ? ports[0]! : tg.port;
    if (containerPort === undefined) continue;
    proposals.push({
      targetGroup: tg.name,
      selector: { ...(match.service.project ? { composeProject: match.service.project } : {}), composeService: match.service.name, containerPort, ...protocol },
      reason: `name similarity ${Math.round(match.score * 100)}% with compose service ${match.service.name}${ports.includes(containerPort) ? '' : ` (container port ${containerPort} assumed from the target group)`}`,
      confidence: match.score,
    });
  }
  return proposals;
}
