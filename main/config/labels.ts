// Routes declared on containers with `dev.berth.*` labels, merged into the config (berth.yaml or
// zero-config). Each container is validated on its own: a bad label is reported for that container
// and skipped, never failing discovery or the other routes. The labels are listed in docs/labels.md.
import { configSchema, type BerthConfig } from '../../shared/model/index.js';
import type { ContainerSnapshot } from '../discovery/index.js';

export const LABEL_PREFIX = 'dev.berth.';

export interface LabelProblem {
  container: string;
  label: string;
  message: string;
}

export interface LabelledConfig {
  config: BerthConfig;
  problems: LabelProblem[];
}

const KNOWN = new Set(['host', 'path', 'port', 'health.path', 'priority', 'listener', 'group', 'ignore']);
const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export function labelsToConfig(containers: readonly ContainerSnapshot[], base: BerthConfig): LabelledConfig {
  const problems: LabelProblem[] = [];
  let current = base;
  const joinedGroups = new Set<string>();
  for (const c of [...containers].sort((a, b) => a.name.localeCompare(b.name))) {
    if (c.state !== 'running' && c.state !== 'paused') continue;
    const labels = Object.fromEntries(Object.entries(c.labels).filter(([k]) => k.startsWith(LABEL_PREFIX) && !k.startsWith(`${LABEL_PREFIX}test`)).map(([k, v]) => [k.slice(LABEL_PREFIX.length), v]));
    if (!labels.host && !labels.path) continue;
    for (const key of Object.keys(labels)) if (!KNOWN.has(key)) problems.push({ container: c.name, label: LABEL_PREFIX + key, message: `unknown Berth label (known: ${[...KNOWN].map((k) => LABEL_PREFIX + k).join(', ')})` });

    const tcpPorts = c.ports.filter((p) => p.protocol === 'tcp').map((p) => p.containerPort).sort((a, b) => a - b);
    const port = labels.port ? Number(labels.port) : tcpPorts[0];
    if (!port || !Number.isInteger(port)) {
      problems.push({ container: c.name, label: `${LABEL_PREFIX}port`, message: labels.port ? `"${labels.port}" is not a port number` : 'the container publishes no TCP port; set dev.berth.port' });
      continue;
    }
    const listenerPort = labels.listener ? Number(labels.listener) : 8080;
    const group = labels.group ?? `l-${c.name}`.replace(/[^A-Za-z0-9-]+/g, '-').slice(0, 32).replace(/-+$/, '');
    const next: BerthConfig = structuredClone(current);

    if (!joinedGroups.has(group)) {
      next.targetGroups = next.targetGroups.filter((g) => g.name !== group);
      next.targetGroups.push({
        name: group,
        protocol: 'HTTP',
        port,
        healthCheck: { ...(labels['health.path'] ? { path: labels['health.path'] } : {}), intervalSeconds: 10, timeoutSeconds: 5, healthyThresholdCount: 2, unhealthyThresholdCount: 2, matcher: labels['health.path'] ? '200' : '200-499' },
        targets: { docker: labels.group ? { labels: { [`${LABEL_PREFIX}group`]: labels.group }, containerPort: port } : { containerName: c.name, containerPort: port } },
      } as never);
    }
    let listener = next.loadBalancers.flatMap((lb) => (lb.type === 'application' ? lb.listeners : [])).find((l) => l.port === listenerPort && (l.protocol === 'HTTP' || l.protocol === 'HTTPS'));
    if (!listener) {
      const lb = { name: 'berth-labels', type: 'application', listeners: [] as unknown[] };
      const existing = next.loadBalancers.find((l) => l.name === 'berth-labels');
      listener = { port: listenerPort, protocol: 'HTTP', defaultAction: { fixedResponse: { statusCode: '404', contentType: 'text/plain', messageBody: 'no route' } }, rules: [] } as never;
      if (existing) existing.listeners.push(listener!);
      else next.loadBalancers.push({ ...lb, listeners: [listener] } as never);
    }
    const used = new Set(listener!.rules.map((r) => r.priority));
    let priority = labels.priority ? Number(labels.priority) : 1000;
    if (!labels.priority) while (used.has(priority)) priority++;
    listener!.rules.push({
      priority,
      conditions: { ...(labels.host ? { hostHeader: list(labels.host) } : {}), ...(labels.path ? { pathPattern: list(labels.path) } : {}) },
      action: { forward: { targetGroups: [{ name: group, weight: 1 }] } },
    } as never);

    const parsed = configSchema.safeParse(next);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ container: c.name, label: labelFor(issue.path.map(String)), message: issue.message });
      continue;
    }
    current = parsed.data;
    if (labels.group) joinedGroups.add(group);
  }
  return { config: current, problems };
}

function labelFor(path: string[]): string {
  if (path.includes('hostHeader')) return `${LABEL_PREFIX}host`;
  if (path.includes('pathPattern')) return `${LABEL_PREFIX}path`;
  if (path.includes('priority')) return `${LABEL_PREFIX}priority`;
  if (path.includes('healthCheck')) return `${LABEL_PREFIX}health.path`;
  if (path.includes('port') || path.includes('containerPort')) return `${LABEL_PREFIX}port`;
  return `${LABEL_PREFIX}* (${path.join('.')})`;
}
