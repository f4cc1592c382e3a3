// The embedded default when there is no berth.yaml: one application load balancer on 127.0.0.1:8080
// routing `<service>.<project>.localhost` to compose services and `<name>.localhost` to other
// containers with published TCP ports (`<port>.<name>.localhost` for each port when there are
// several). It is a BerthConfig like any other, so it is validated, shown and exported the same way.
import { configSchema, type BerthConfig, type BerthConfigInput } from '../../shared/model/index.js';
import type { ContainerSnapshot } from '../discovery/index.js';

export const ZERO_CONFIG_LOAD_BALANCER = 'berth';
export const ZERO_CONFIG_PORT = 8080;
/** Labels that mark a container as not to be routed (e.g. Berth's own test fixtures opt in instead). */
const IGNORE_LABEL = 'dev.berth.ignore';

interface Route {
  host: string;
  group: string;
  selector: { composeProject?: string; composeService?: string; containerName?: string; containerPort: number };
}

/** A DNS label: lower-case letters, digits and inner hyphens. */
export function hostLabel(name: string): string {
  const label = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
  return label || 'container';
}

export function zeroConfigRoutes(containers: readonly ContainerSnapshot[]): Route[] {
  const routes: Route[] = [];
  const services = new Map<string, { project: string; service: string; ports: Set<number> }>();
  for (const c of containers) {
    if ((c.state !== 'running' && c.state !== 'paused') || c.labels[IGNORE_LABEL] === 'true') continue;
    const ports = [...new Set(c.ports.filter((p) => p.protocol === 'tcp').map((p) => p.containerPort))];
    if (ports.length === 0) continue;
    if (c.composeProject && c.composeService) {
      const key = `${c.composeProject}\u0000${c.composeService}`;
      const s = services.get(key) ?? { project: c.composeProject, service: c.composeService, ports: new Set<number>() };
      for (const p of ports) s.ports.add(p);
      services.set(key, s);
    } else {
      addRoutes(routes, `${hostLabel(c.name)}.localhost`, `c-${c.name}`, ports, (containerPort) => ({ containerName: c.name, containerPort }));
    }
  }
  for (const s of services.values()) {
    addRoutes(routes, `${hostLabel(s.service)}.${hostLabel(s.project)}.localhost`, `s-${s.project}-${s.service}`, [...s.ports], (containerPort) => ({
      composeProject: s.project,
      composeService: s.service,
      containerPort,
    }));
  }
  return routes.sort((a, b) => a.host.localeCompare(b.host));
}

function addRoutes(routes: Route[], host: string, base: string, ports: number[], selector: (port: number) => Route['selector']): void {
  const sorted = [...ports].sort((a, b) => a - b);
  routes.push({ host, group: groupName(base, sorted[0]!), selector: selector(sorted[0]!) });
  if (sorted.length > 1) for (const p of sorted) routes.push({ host: `${p}.${host}`, group: groupName(base, p), selector: selector(p) });
}

/** Target-group names: ≤ 32 characters of letters, digits and "-", unique and stable per route. */
function groupName(base: string, port: number): string {
  const clean = base.replace(/[^A-Za-z0-9-]+/g, '-').replace(/-+/g, '-');
  const suffix = `-${port}`;
  let name = `${clean}${suffix}`;
  if (name.length > 32) {
    let h = 0;
    for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
    name = `${clean.slice(0, 32 - suffix.length - 5)}-${(h % 0xffff).toString(16).padStart(4, '0')}${suffix}`;
  }
  return name.replace(/^-+/, 'x');
}

export function zeroConfig(containers: readonly ContainerSnapshot[], options: { port?: number } = {}): BerthConfig {
  const routes = zeroConfigRoutes(containers);
  const port = options.port ?? ZERO_CONFIG_PORT;
  const input: BerthConfigInput = {
    loadBalancers: [
      {
        name: ZERO_CONFIG_LOAD_BALANCER,
        type: 'application',
        listeners: [
          {
            port,
            protocol: 'HTTP',
            defaultAction: { fixedResponse: { statusCode: 404, contentType: 'text/html', messageBody: indexPage(routes.map((r) => r.host), port) } },
            rules: routes.map((r, i) => ({ priority: i + 1, conditions: { hostHeader: [r.host] }, action: { forward: r.group } })),
          },
        ],
      },
    ],
    // The plain host and `<lowest port>.<host>` share one group.
    targetGroups: [...new Map(routes.map((r) => [r.group, r])).values()].map((r) => ({
      name: r.group,
      protocol: 'HTTP',
      port: r.selector.containerPort,
      deregistrationDelaySeconds: 5,
      // Any answer but a server error means the app is up; many apps have no 200 at "/".
      healthCheck: { path: '/', intervalSeconds: 10, timeoutSeconds: 5, healthyThresholdCount: 2, unhealthyThresholdCount: 2, matcher: '200-499' },
      targets: { docker: r.selector },
    })),
  };
  return configSchema.parse(input);
}

/** The default action's page: the known hosts as links, within AWS's 1,024-byte body limit. */
export function indexPage(hosts: readonly string[], port = ZERO_CONFIG_PORT): string {
  const head = '<!doctype html><title>Berth</title><h1>No route for this host</h1>';
  if (hosts.length === 0) return `${head}<p>No containers with published ports are running.</p>`;
  let body = `${head}<p>Known hosts:</p><ul>`;
  let shown = 0;
  for (const h of hosts) {
    const item = `<li><a href="http://${h}:${port}/">${h}</a></li>`;
    if (body.length + item.length + 60 > 1024) break;
    body += item;
    shown++;
  }
  body += '</ul>';
  if (shown < hosts.length) body += `<p>and ${hosts.length - shown} more</p>`;
  return body;
}
