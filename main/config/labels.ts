// Routes declared on containers with `dev.berth.*` labels, merged into the config in use (berth.yaml
// or zero-config) and validated with the same schema. Never throws: a container whose labels do not
// make a valid route is reported for that label and left out, and the other routes still work.
import { configSchema, type BerthConfig, type BerthConfigInput } from '../../shared/model/index.js';
import type { ContainerInfo } from './container-info.js';
import { describeIssues } from './config-issues.js';
import { readLabelRoutes, LABEL_PREFIX, type LabelProblem, type LabelRoute } from './label-routes.js';
import { resourceNameFor, uniqueName } from './resource-names.js';

export { LABEL_PREFIX, type LabelProblem };

export interface LabelledConfig {
  config: BerthConfig;
  problems: LabelProblem[];
}

/** The load balancer that holds listeners only label routes asked for. */
export const LABELS_LOAD_BALANCER = 'berth-labels';
export const DEFAULT_LABEL_LISTENER = 8080;
/** Label rules without a priority label take the first free one from here (zero-config's start at 10000). */
export const FIRST_LABEL_PRIORITY = 1000;
const MAX_GROUPS_PER_FORWARD = 5;

type Path = (string | number)[];

type RouterKey = Parameters<LabelRoute['labelOf']>[0];

/** What each added listener, rule and target group came from, to report the schema's problems per label. */
interface Provenance {
  path: Path;
  routes: LabelRoute[];
  /** The label key behind a field, given the field's path below `path`. */
  field: (below: Path) => RouterKey | undefined;
}

const ruleField = (below: Path): RouterKey => {
  if (below[0] === 'priority') return 'priority';
  if (below[0] === 'conditions') return below[1] === 'pathPattern' ? 'path' : 'host';
  if (below[0] === 'action') return below[below.length - 1] === 'name' ? 'group' : 'weight';
  return 'host';
};

const groupField = (below: Path): RouterKey | undefined =>
  below[0] === 'name' ? 'group' : below[0] === 'healthCheck' ? 'health.path' : below[0] === 'targets' || below[0] === 'port' ? 'port' : undefined;

export function labelsToConfig(containers: readonly ContainerInfo[], base: BerthConfig = { loadBalancers: [], targetGroups: [] }): LabelledConfig {
  const read = readLabelRoutes(containers);
  const problems = [...read.problems];
  let routes = read.routes;
  // Each pass leaves out the containers the schema found a problem with; usually there is one pass.
  for (;;) {
    if (routes.length === 0) return { config: base, problems: dedupe(problems) };
    const { input, provenance } = merge(base, routes, problems);
    const parsed = configSchema.safeParse(input);
    if (parsed.success) return { config: parsed.data, problems: dedupe(problems) };
    const bad = new Set<ContainerInfo>();
    const unowned: string[] = [];
    for (const issue of describeIssues(parsed.error.issues, input)) {
      const owner = provenance.filter((p) => startsWith(issue.path, p.path)).sort((a, b) => b.path.length - a.path.length)[0];
      if (!owner) {
        unowned.push(issue.message);
        continue;
      }
      const key = owner.field(issue.path.slice(owner.path.length));
      for (const route of owner.routes) {
        bad.add(route.container);
        problems.push({ container: route.container.name, label: key ? route.labelOf(key) : `${LABEL_PREFIX}*`, message: issue.message });
      }
    }
    // A problem with what the base config already had is not the labels' doing: serve the base as it is.
    if (unowned.length > 0 || bad.size === 0) {
      return { config: base, problems: dedupe([...problems, ...unowned.map((m) => ({ container: '(labels)', label: `${LABEL_PREFIX}*`, message: `label routes left out: ${m}` }))]) };
    }
    routes = routes.filter((r) => !bad.has(r.container));
  }
}

/** The base config plus the label routes, in input form for the schema. */
function merge(base: BerthConfig, routes: LabelRoute[], problems: LabelProblem[]): { input: BerthConfigInput; provenance: Provenance[] } {
  const config = structuredClone(base) as BerthConfig;
  const provenance: Provenance[] = [];
  const groups = targetGroups(config, routes, provenance);

  // Routes with the same listener and conditions become one rule, weighted over their groups.
  const rules = new Map<string, { listener: number; route: LabelRoute; members: LabelRoute[] }>();
  for (const route of routes) {
    for (const listener of listenersFor(config, route)) {
      const key = JSON.stringify([listener, [...route.hosts].sort(), [...route.paths].sort(), route.priority ?? null]);
      const rule = rules.get(key) ?? { listener, route, members: [] };
      rule.members.push(route);
      rules.set(key, rule);
    }
  }
  const ordered = [...rules.values()].sort((a, b) => specificity(b.route) - specificity(a.route) || (a.route.priority ?? 0) - (b.route.priority ?? 0));
  for (const rule of ordered) {
    const { lb, li, listener, created } = listenerAt(config, rule.listener);
    const listenerPath = ['loadBalancers', lb, 'listeners', li];
    const own = provenance.find((p) => p.path.length === 4 && startsWith(listenerPath, p.path));
    if (own) own.routes.push(...rule.members);
    else if (created) provenance.push({ path: listenerPath, routes: [...rule.members], field: () => 'listener' });
    const names = [...new Set(rule.members.map((m) => groups.get(m)!))];
    for (const extra of names.slice(MAX_GROUPS_PER_FORWARD)) {
      for (const m of rule.members.filter((x) => groups.get(x) === extra)) {
        problems.push({ container: m.container.name, label: m.labelOf('host'), message: `more than ${MAX_GROUPS_PER_FORWARD} target groups share this host and path; this one is left out` });
      }
    }
    const used = new Set(listener.rules.map((r) => r.priority));
    let priority = rule.route.priority ?? FIRST_LABEL_PRIORITY;
    if (rule.route.priority === undefined) while (used.has(priority)) priority++;
    const weightOf = (name: string) => rule.members.find((m) => groups.get(m) === name)!.weight;
    listener.rules.push({
      priority,
      conditions: { ...(rule.route.hosts.length ? { hostHeader: rule.route.hosts } : {}), ...(rule.route.paths.length ? { pathPattern: rule.route.paths } : {}) },
      action: { forward: { targetGroups: names.slice(0, MAX_GROUPS_PER_FORWARD).map((name) => ({ name, weight: weightOf(name) })) } },
    } as never);
    provenance.push({ path: [...listenerPath, 'rules', listener.rules.length - 1], routes: rule.members, field: ruleField });
  }
  return { input: config as BerthConfigInput, provenance };
}

/** Rules with an exact host and a long literal path first, so a catch-all never shadows them. */
function specificity(route: LabelRoute): number {
  const hosts = route.hosts.length === 0 ? 0 : route.hosts.some((h) => /[*?]/.test(h)) ? 1 : 2;
  const literal = Math.max(0, ...route.paths.map((p) => p.split(/[*?]/)[0]!.length));
  return hosts * 10_000 + Math.min(literal, 9_999);
}

/** One target group per group label, compose service or container (and port), with lenient health checks. */
function targetGroups(config: BerthConfig, routes: LabelRoute[], provenance: Provenance[]): Map<LabelRoute, string> {
  const byKey = new Map<string, string>();
  const names = new Map<LabelRoute, string>();
  const owners = new Map<string, Provenance>();
  const taken = new Set(config.targetGroups.map((g) => g.name));
  for (const route of routes) {
    const c = route.container;
    const service = c.composeProject && c.composeService ? { composeProject: c.composeProject, composeService: c.composeService } : undefined;
    const key = route.group ? `group ${route.group}` : service ? `service ${c.composeProject}/${c.composeService}:${route.port}` : `container ${c.name}:${route.port}`;
    let name = byKey.get(key);
    if (name === undefined) {
      // A group label is the group's name, as written (the schema checks it); others are derived.
      name = route.group ?? uniqueName(resourceNameFor(`${service ? `${c.composeService}-${c.composeProject}` : c.name}-${route.port}`), key, taken);
      taken.add(name);
      byKey.set(key, name);
      config.targetGroups.push({
        name,
        protocol: 'HTTP',
        port: route.port,
        deregistrationDelaySeconds: 5,
        healthCheck: { path: route.healthPath ?? '/', intervalSeconds: 10, timeoutSeconds: 5, healthyThresholdCount: 2, unhealthyThresholdCount: 2, matcher: route.healthPath ? '200-399' : '200-499' },
        targets: { docker: route.group ? { labels: { [`${LABEL_PREFIX}group`]: route.group }, containerPort: route.port } : { ...(service ?? { containerName: c.name }), containerPort: route.port } },
      } as never);
      const owner: Provenance = { path: ['targetGroups', config.targetGroups.length - 1], routes: [], field: groupField };
      provenance.push(owner);
      owners.set(name, owner);
    }
    owners.get(name)!.routes.push(route);
    names.set(route, name);
  }
  return names;
}

/**
 * The listener ports a route goes on: its `listener` label, else the application listener on 8080
 * and every HTTPS listener of the same load balancer (zero-config's 8443), so a labelled app answers
 * on both.
 */
function listenersFor(config: BerthConfig, route: LabelRoute): number[] {
  if (route.listeners) return route.listeners;
  const lb = config.loadBalancers.find((l) => l.type === 'application' && l.listeners.some((x) => x.port === DEFAULT_LABEL_LISTENER));
  return [DEFAULT_LABEL_LISTENER, ...(lb?.listeners.filter((x) => x.protocol === 'HTTPS' && x.port !== DEFAULT_LABEL_LISTENER).map((x) => x.port) ?? [])];
}

/** The application listener on `port`, created (HTTP, in `berth-labels`) when the config has none. */
function listenerAt(config: BerthConfig, port: number) {
  for (const [lb, balancer] of config.loadBalancers.entries()) {
    if (balancer.type !== 'application') continue;
    const li = balancer.listeners.findIndex((l) => l.port === port);
    if (li >= 0) return { lb, li, listener: balancer.listeners[li]!, created: false };
  }
  let lb = config.loadBalancers.findIndex((l) => l.name === LABELS_LOAD_BALANCER);
  if (lb < 0) lb = config.loadBalancers.push({ name: LABELS_LOAD_BALANCER, type: 'application', listeners: [] } as never) - 1;
  const listener = { port, protocol: 'HTTP', defaultAction: { fixedResponse: { statusCode: 404, contentType: 'text/plain', messageBody: 'no route' } }, rules: [] };
  const li = config.loadBalancers[lb]!.listeners.push(listener as never) - 1;
  return { lb, li, listener: config.loadBalancers[lb]!.listeners[li]!, created: true };
}

/** A rule on two listeners (8080 and 8443) has its problems twice: once is enough. */
function dedupe(problems: LabelProblem[]): LabelProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = JSON.stringify([p.container, p.label, p.message]);
    return !seen.has(key) && (seen.add(key), true);
  });
}

function startsWith(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.every((p, i) => path[i] === p);
}
