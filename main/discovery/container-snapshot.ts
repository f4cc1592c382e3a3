// What Berth knows about one container, and the pure conversion from the Docker API's JSON (the
// list entry of GET /containers/json, or GET /containers/{id}/json) into it. No IO here, so the
// conversion is tested with captured JSON and any engine version's quirks are handled in one place.

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
export type DockerHealth = 'starting' | 'healthy' | 'unhealthy' | 'none';

export interface PublishedPort {
  containerPort: number;
  protocol: 'tcp' | 'udp';
  /** The address Docker bound on the host: `0.0.0.0`, `::`, or a specific one such as `127.0.0.1`. */
  hostIp: string;
  hostPort: number;
}

export interface ContainerSnapshot {
  id: string;
  /** Without Docker's leading slash. */
  name: string;
  image: string;
  labels: Record<string, string>;
  composeProject?: string;
  composeService?: string;
  state: ContainerState;
  health: DockerHealth;
  /**
   * A stop signal was sent and Docker still reports the container running: it is shutting down, so
   * it gets no new traffic. Absent otherwise (Docker's list has no such state; see event-overlay.ts).
   */
  stopping?: true;
  /** Published ports only, sorted; a port published on both 0.0.0.0 and :: appears once. */
  ports: PublishedPort[];
}

/** The fields of a GET /containers/json entry we read; all optional because engines differ. */
export interface ListedContainer {
  Id?: string;
  Names?: string[];
  Image?: string;
  Labels?: Record<string, string> | null;
  State?: string;
  Status?: string;
  /** Only newer engines (API 1.52+) report health in the list; older ones put it in Status. */
  Health?: { Status?: string } | null;
  Ports?: { IP?: string; PrivatePort?: number; PublicPort?: number; Type?: string }[] | null;
}

/** The fields of a GET /containers/{id}/json answer we read. */
export interface InspectedContainer {
  Id?: string;
  Name?: string;
  Config?: { Image?: string; Labels?: Record<string, string> | null } | null;
  State?: { Status?: string; Health?: { Status?: string } | null } | null;
  NetworkSettings?: { Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null } | null;
}

export interface SkippedContainer {
  /** Whatever identifies the entry best (name or id), for the message. */
  container: string;
  reason: string;
}

const COMPOSE_PROJECT = 'com.docker.compose.project';
const COMPOSE_SERVICE = 'com.docker.compose.service';
const STATES: readonly ContainerState[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];

/** Converts a whole list answer; an entry that cannot be understood is skipped and reported, never fatal. */
export function snapshotsFromList(entries: readonly ListedContainer[]): { containers: ContainerSnapshot[]; skipped: SkippedContainer[] } {
  const containers: ContainerSnapshot[] = [];
  const skipped: SkippedContainer[] = [];
  for (const entry of entries) {
    if (!entry.Id) {
      skipped.push({ container: entry.Names?.[0] ?? '(unnamed)', reason: 'the Docker API returned a container without an Id' });
      continue;
    }
    containers.push(snapshotFromListEntry(entry as ListedContainer & { Id: string }));
  }
  return { containers: sortSnapshots(containers), skipped };
}

export function snapshotFromListEntry(entry: ListedContainer & { Id: string }): ContainerSnapshot {
  const ports = (entry.Ports ?? []).flatMap((p) =>
    p.PublicPort ? [{ containerPort: p.PrivatePort ?? 0, protocol: p.Type ?? 'tcp', hostIp: p.IP ?? '', hostPort: p.PublicPort }] : [],
  );
  return build({
    id: entry.Id,
    name: primaryName(entry.Names ?? [], entry.Id),
    image: entry.Image ?? '',
    labels: entry.Labels ?? {},
    state: entry.State ?? '',
    health: entry.Health?.Status ?? healthFromStatus(entry.Status ?? ''),
    ports,
  });
}

export function snapshotFromInspect(info: InspectedContainer & { Id: string }): ContainerSnapshot {
  const ports: RawPort[] = [];
  for (const [key, bindings] of Object.entries(info.NetworkSettings?.Ports ?? {})) {
    const [port = '', protocol = 'tcp'] = key.split('/');
    for (const b of bindings ?? []) {
      const hostPort = Number(b.HostPort);
      if (hostPort > 0) ports.push({ containerPort: Number(port), protocol, hostIp: b.HostIp ?? '', hostPort });
    }
  }
  return build({
    id: info.Id,
    name: (info.Name ?? '').replace(/^\//, '') || info.Id.slice(0, 12),
    image: info.Config?.Image ?? '',
    labels: info.Config?.Labels ?? {},
    state: info.State?.Status ?? '',
    health: info.State?.Health?.Status ?? 'none',
    ports,
  });
}

/** Stable order (by name, then id) so two snapshots of the same containers compare equal. */
export function sortSnapshots(containers: ContainerSnapshot[]): ContainerSnapshot[] {
  return containers.sort((a, b) => compare(a.name, b.name) || compare(a.id, b.id));
}

interface RawPort {
  containerPort: number;
  protocol: string;
  hostIp: string;
  hostPort: number;
}

function build(raw: { id: string; name: string; image: string; labels: Record<string, string>; state: string; health: string; ports: RawPort[] }): ContainerSnapshot {
  const project = raw.labels[COMPOSE_PROJECT];
  const service = raw.labels[COMPOSE_SERVICE];
  return {
    id: raw.id,
    name: raw.name,
    image: raw.image,
    labels: { ...raw.labels },
    ...(project ? { composeProject: project } : {}),
    ...(service ? { composeService: service } : {}),
    state: toState(raw.state),
    health: toHealth(raw.health),
    ports: normalisePorts(raw.ports),
  };
}

/**
 * Engines with IPv6 list each published port twice (0.0.0.0 and ::) for the same host port; that is
 * one endpoint, and IPv4 is preferred because 127.0.0.1 always works where ::1 may not.
 * SCTP and malformed entries are dropped: Berth forwards only TCP and UDP.
 */
function normalisePorts(raw: readonly RawPort[]): PublishedPort[] {
  const byKey = new Map<string, PublishedPort>();
  for (const p of raw) {
    const protocol = p.protocol.toLowerCase();
    if (protocol !== 'tcp' && protocol !== 'udp') continue;
    if (!isPort(p.containerPort) || !isPort(p.hostPort)) continue;
    const key = `${p.containerPort}/${protocol}/${p.hostPort}`;
    const existing = byKey.get(key);
    const port: PublishedPort = { containerPort: p.containerPort, protocol, hostIp: p.hostIp, hostPort: p.hostPort };
    if (!existing || (isIpv6(existing.hostIp) && !isIpv6(p.hostIp))) byKey.set(key, port);
  }
  return [...byKey.values()].sort(
    (a, b) => a.containerPort - b.containerPort || compare(a.protocol, b.protocol) || a.hostPort - b.hostPort || compare(a.hostIp, b.hostIp),
  );
}

/** The list's Status text is the only place older engines report health: "Up 3 minutes (healthy)". */
export function healthFromStatus(status: string): DockerHealth {
  if (/\(health: starting\)/.test(status)) return 'starting';
  if (/\(unhealthy\)/.test(status)) return 'unhealthy';
  if (/\(healthy\)/.test(status)) return 'healthy';
  return 'none';
}

/**
 * Legacy links give a container extra names like "/other/alias"; its own name is the one with a
 * single leading slash.
 */
function primaryName(names: readonly string[], id: string): string {
  const own = names.find((n) => n.lastIndexOf('/') === 0) ?? names[0];
  return own ? own.replace(/^\//, '') : id.slice(0, 12);
}

function toState(state: string): ContainerState {
  const s = state.toLowerCase() as ContainerState;
  // An unknown state is treated as not serving, the safe side for a load balancer.
  return STATES.includes(s) ? s : 'dead';
}

function toHealth(health: string): DockerHealth {
  const h = health.toLowerCase();
  return h === 'starting' || h === 'healthy' || h === 'unhealthy' ? h : 'none';
}

function isPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

function isIpv6(ip: string): boolean {
  return ip.includes(':');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
