// The embedded default when there is no berth.yaml: one application load balancer `berth` with an
// HTTP listener on 127.0.0.1:8080 (and HTTPS on 8443, certificates from the local CA) routing
// `<service>.<project>.localhost` to each compose service, `<name>.localhost` to other containers
// with a published TCP port, and `<port>.<name>.localhost` to each port of one that publishes
// several. It is a BerthConfig like any other: validated, shown and exported the same way.
import { configSchema, type BerthConfig, type BerthConfigInput, type DockerSelector } from '../../shared/model/index.js';
import { isRoutable, publishedTcpPorts, type ContainerInfo } from './container-info.js';
import { hostLabel, resourceNameFor, shortHash, uniqueName } from './resource-names.js';
import { indexPage } from './index-page.js';

export const ZERO_CONFIG_LOAD_BALANCER = 'berth';
export const ZERO_CONFIG_PORT = 8080;
export const ZERO_CONFIG_HTTPS_PORT = 8443;
/** Zero-config rules start here, so label routes (from 1000) are matched before them. */
export const ZERO_CONFIG_FIRST_PRIORITY = 10_000;
/** `dev.berth.ignore=true` keeps a container out of zero-config and label routes. */
export const IGNORE_LABEL = 'dev.berth.ignore';

export { indexPage };

export interface ZeroConfigOptions {
  /** The HTTP listener's port (tests use a free one). */
  port?: number;
  /** The HTTPS listener's port; `null` for none. */
  httpsPort?: number | null;
}

export interface ZeroConfigRoute {
  host: string;
  targetGroup: string;
  selector: DockerSelector;
}

/** A compose service (all its replicas) or a lone container: one thing with one base host. */
interface Source {
  key: string;
  /** The host's labels before `.localhost`: `['web', 'demo']`. */
  labels: string[];
  /** The names were valid host labels already, so this source has the better claim to its host. */
  exact: boolean;
  ports: number[];
  selector: (containerPort: number) => DockerSelector;
}

interface Candidate {
  host: string;
  source: Source;
  port: number;
  plain: boolean;
}

export function zeroConfigRoutes(containers: readonly ContainerInfo[]): ZeroConfigRoute[] {
  const candidates = sources(containers).flatMap((s): Candidate[] => {
    const base = `${s.labels.join('.')}.localhost`;
    const plain: Candidate = { host: base, source: s, port: s.ports[0]!, plain: true };
    return s.ports.length === 1 ? [plain] : [plain, ...s.ports.map((port) => ({ host: `${port}.${base}`, source: s, port, plain: false }))];
  });

  // A host two sources sanitise to (`My_App`, `my-app`) goes to the one whose name it is; the other
  // gets a hashed variant, the same on every run.
  candidates.sort((a, b) => a.host.localeCompare(b.host) || Number(b.source.exact) - Number(a.source.exact) || a.source.key.localeCompare(b.source.key) || a.port - b.port);
  const hosts = new Set<string>();
  for (const c of candidates) {
    for (let salt = 0; hosts.has(c.host); salt++) {
      const [first, ...rest] = c.host.split('.');
      c.host = [`${first!.slice(0, 58)}-${shortHash(`${c.source.key}:${c.port}#${salt}`)}`, ...rest].join('.');
    }
    hosts.add(c.host);
  }

  // One group per source and port; the plain host shares the group of the lowest port and names it.
  const groupNames = new Map<string, string>();
  const taken = new Set<string>();
  for (const c of [...candidates].sort((a, b) => Number(b.plain) - Number(a.plain) || a.host.localeCompare(b.host))) {
    const key = `${c.source.key}:${c.port}`;
    if (groupNames.has(key)) continue;
    const name = uniqueName(resourceNameFor(c.host.replace(/\.localhost$/, '').replaceAll('.', '-')), key, taken);
    taken.add(name);
    groupNames.set(key, name);
  }
  return candidates
    .map((c) => ({ host: c.host, targetGroup: groupNames.get(`${c.source.key}:${c.port}`)!, selector: c.source.selector(c.port) }))
    .sort((a, b) => compareHosts(a.host, b.host));
}

/** `api.localhost` before `8081.api.localhost` before `9090.api.localhost` before `web.localhost`. */
function compareHosts(a: string, b: string): number {
  const split = (h: string) => /^(?:(\d+)\.)?(.*)$/.exec(h)!;
  const [, portA, restA] = split(a);
  const [, portB, restB] = split(b);
  return restA!.localeCompare(restB!) || Number(portA ?? -1) - Number(portB ?? -1);
}

function sources(containers: readonly ContainerInfo[]): Source[] {
  const services = new Map<string, { project: string; service: string; ports: Set<number> }>();
  const out: Source[] = [];
  for (const c of containers) {
    if (!isRoutable(c) || c.labels[IGNORE_LABEL] === 'true') continue;
    const ports = publishedTcpPorts(c);
    if (ports.length === 0) continue;
    if (c.composeProject && c.composeService) {
      const key = JSON.stringify([c.composeProject, c.composeService]);
      const s = services.get(key) ?? { project: c.composeProject, service: c.composeService, ports: new Set<number>() };
      for (const p of ports) s.ports.add(p);
      services.set(key, s);
    } else {
      const label = hostLabel(c.name);
      out.push({ key: `container ${c.name}`, labels: [label], exact: label === c.name, ports, selector: (containerPort) => ({ containerName: c.name, containerPort }) });
    }
  }
  for (const s of services.values()) {
    // ≤ 50 characters each keeps `<port>.<service>.<project>.localhost` within AWS's 128.
    const labels = [hostLabel(s.service, 50), hostLabel(s.project, 50)];
    out.push({
      key: `service ${s.project}/${s.service}`,
      labels,
      exact: labels[0] === s.service && labels[1] === s.project,
      ports: [...s.ports].sort((a, b) => a - b),
      selector: (containerPort) => ({ composeProject: s.project, composeService: s.service, containerPort }),
    });
  }
  return out;
}

export function zeroConfig(containers: readonly ContainerInfo[], options: ZeroConfigOptions = {}): BerthConfig {
  const routes = zeroConfigRoutes(containers);
  const port = options.port ?? ZERO_CONFIG_PORT;
  const httpsPort = options.httpsPort === undefined ? ZERO_CONFIG_HTTPS_PORT : options.httpsPort;
  const hosts = routes.map((r) => r.host);
  const rules = routes.map((r, i) => ({ priority: ZERO_CONFIG_FIRST_PRIORITY + i, conditions: { hostHeader: [r.host] }, action: { forward: r.targetGroup } }));
  const page = (scheme: 'http' | 'https', listenerPort: number) => ({
    fixedResponse: { statusCode: 404, contentType: 'text/html' as const, messageBody: indexPage(hosts, { scheme, port: listenerPort }) },
  });
  const groups = new Map(routes.map((r) => [r.targetGroup, r]));
  const input: BerthConfigInput = {
    loadBalancers: [
      {
        name: ZERO_CONFIG_LOAD_BALANCER,
        type: 'application',
        listeners: [
          { port, protocol: 'HTTP', defaultAction: page('http', port), rules },
          ...(httpsPort === null ? [] : [{ port: httpsPort, protocol: 'HTTPS' as const, certificates: 'auto' as const, defaultAction: page('https', httpsPort), rules }]),
        ],
      },
    ],
    targetGroups: [...groups.values()].map((r) => ({
      name: r.targetGroup,
      protocol: 'HTTP',
      port: r.selector.containerPort,
      // Containers come and go quickly in development; 5 s is enough for requests in flight.
      deregistrationDelaySeconds: 5,
      // Any answer but a server error means the app is up: many apps have no 200 at "/".
      healthCheck: { path: '/', intervalSeconds: 10, timeoutSeconds: 5, healthyThresholdCount: 2, unhealthyThresholdCount: 2, matcher: '200-499' },
      targets: { docker: r.selector },
    })),
  };
  return configSchema.parse(input);
}
