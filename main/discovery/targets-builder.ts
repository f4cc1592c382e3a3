// Pure: which targets a Docker selector picks out of a container snapshot. Kept apart from the IO
// so the whole matching policy (labels, compose, globs, states, ports) is tested from fixture JSON,
// and so the engine, `berth targets` and the UI all use this one selector.
import type { DockerSelector } from '../../shared/model/index.js';
import type { ContainerSnapshot, ContainerState, DockerHealth, PublishedPort } from './container-snapshot.js';

export interface DiscoveredTarget {
  /** `<container name>:<host port>`: stable while the container keeps its port, readable in logs. */
  id: string;
  /** Where to connect: the published host address, with wildcard binds turned into loopback. */
  host: string;
  port: number;
  /** With `pairUdp`: the host port Docker published for the container port's UDP side. */
  udpPort?: number;
  containerId: string;
  containerName: string;
  image: string;
  /** Only 'running' or 'paused': other containers are never targets. */
  state: Extract<ContainerState, 'running' | 'paused'>;
  dockerHealth: DockerHealth;
}

export interface SelectOptions {
  /**
   * TCP_UDP groups: each TCP target also carries the host port of the same container port over UDP.
   * Docker picks ephemeral host ports per protocol, so `-p 53/tcp -p 53/udp` gives two different ones.
   */
  pairUdp?: boolean;
  /** The protocol to pick when the selector names none (from the group: selectorProtocol). Default tcp. */
  defaultProtocol?: 'tcp' | 'udp';
}

/**
 * One target per published host port of `selector.containerPort` on each matching container.
 * Paused containers are returned (state 'paused') so callers can show them as unusable rather than
 * have them vanish; stopped, stopping, created, restarting and dead containers are not targets.
 */
export function selectTargets(selector: DockerSelector, containers: readonly ContainerSnapshot[], options: SelectOptions = {}): DiscoveredTarget[] {
  const protocol = selector.protocol ?? options.defaultProtocol ?? 'tcp';
  const pairUdp = options.pairUdp === true && protocol === 'tcp';
  const nameGlob = selector.containerName === undefined ? undefined : globToRegExp(selector.containerName);
  const targets: DiscoveredTarget[] = [];
  for (const c of containers) {
    if (c.state !== 'running' && c.state !== 'paused') continue;
    // Being stopped: deregistered at once, as ECS deregisters a task before it stops it.
    if (c.stopping) continue;
    if (!matchesLabels(selector.labels, c.labels)) continue;
    if (selector.composeProject !== undefined && c.composeProject !== selector.composeProject) continue;
    if (selector.composeService !== undefined && c.composeService !== selector.composeService) continue;
    if (nameGlob && !nameGlob.test(c.name)) continue;
    if (selector.image !== undefined && !imageMatches(selector.image, c.image)) continue;
    const matching = c.ports.filter((p) => p.containerPort === selector.containerPort && p.protocol === protocol);
    const udp = pairUdp ? c.ports.filter((p) => p.containerPort === selector.containerPort && p.protocol === 'udp') : [];
    for (const [i, p] of matching.entries()) {
      const udpPort = pairedUdpPort(p, i, udp);
      targets.push({
        id: `${c.name}:${p.hostPort}`,
        host: connectHost(p.hostIp),
        port: p.hostPort,
        ...(udpPort !== undefined ? { udpPort } : {}),
        containerId: c.id,
        containerName: c.name,
        image: c.image,
        state: c.state,
        dockerHealth: c.health,
      });
    }
  }
  return targets.sort((a, b) => (a.containerName < b.containerName ? -1 : a.containerName > b.containerName ? 1 : a.port - b.port));
}

/** The UDP side of a TCP mapping: the same host port if published so, else the mapping in the same place. */
function pairedUdpPort(tcp: PublishedPort, index: number, udp: readonly PublishedPort[]): number | undefined {
  if (udp.length === 0) return undefined;
  return (udp.find((u) => u.hostPort === tcp.hostPort) ?? udp[index] ?? udp[0]!).hostPort;
}

/** A wildcard bind accepts connections on loopback; a specific address is used as it is. */
export function connectHost(hostIp: string): string {
  if (hostIp === '' || hostIp === '0.0.0.0') return '127.0.0.1';
  if (hostIp === '::') return '::1';
  return hostIp;
}

function matchesLabels(wanted: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (!wanted) return true;
  return Object.entries(wanted).every(([key, value]) => labels[key] === value);
}

/**
 * `nginx` matches `nginx:1.27` as `docker ps --filter ancestor` users expect: a pattern without a
 * tag or digest is compared with the image's repository too.
 */
export function imageMatches(pattern: string, image: string): boolean {
  const glob = globToRegExp(pattern);
  if (glob.test(image)) return true;
  if (hasTagOrDigest(pattern)) return false;
  return glob.test(repository(image));
}

function repository(image: string): string {
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const colon = withoutDigest.lastIndexOf(':');
  // A colon before the last slash belongs to a registry host:port, not a tag.
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, colon) : withoutDigest;
}

function hasTagOrDigest(pattern: string): boolean {
  return pattern.includes('@') || pattern.lastIndexOf(':') > pattern.lastIndexOf('/');
}

/** `*` is any run of characters (slashes included, as in image names), `?` one character. */
export function globToRegExp(glob: string): RegExp {
  const source = glob.replace(/[.+^${}()|[\]\\*?]/g, (ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : `\\${ch}`));
  return new RegExp(`^${source}$`);
}
