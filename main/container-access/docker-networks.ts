// Follows the engine's bridge networks: their gateway addresses (where Berth answers containers),
// their subnets (who may connect there) and the address of every container on them (to name the
// caller in traffic records). Level-triggered like discovery: any network event means "re-list".
import { EventEmitter } from 'node:events';
import Dockerode from 'dockerode';
import { dockerodeOptions, resolveDockerEndpoint } from '../discovery/index.js';

export interface BridgeNetwork {
  id: string;
  name: string;
  /** IPv4 gateway addresses: the host's own address on the bridge. */
  gateways: string[];
  /** The network's subnets (CIDR), IPv4 and IPv6. */
  subnets: string[];
}

export interface NetworkSnapshot {
  /** `linux`: Berth must listen on the bridges; `desktop`: Docker Desktop's host-gateway reaches
   * the host's loopback already, so nothing is needed. */
  platform: 'linux' | 'desktop';
  networks: BridgeNetwork[];
  /** Container address → container name, over all bridge networks. */
  containers: Map<string, string>;
}

export interface DockerNetworksEvents {
  change: [snapshot: NetworkSnapshot];
  warning: [message: string];
}

interface InspectedNetwork {
  Id?: string;
  Name?: string;
  Driver?: string;
  IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] | null } | null;
  Containers?: Record<string, { Name?: string; IPv4Address?: string; IPv6Address?: string }> | null;
}

const RETRY_MS = 2_000;

export class DockerNetworks extends EventEmitter<DockerNetworksEvents> {
  private readonly docker: Dockerode;
  private events: NodeJS.ReadableStream | undefined;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private listing: Promise<void> | undefined;
  private again = false;
  private last: NetworkSnapshot = { platform: 'linux', networks: [], containers: new Map() };
  private lastKey = '';
  /** Who held each address since when: an address Docker gives to another container later must not
   * rename the records of the one before. */
  private readonly holders = new Map<string, { name: string; since: number }[]>();
  /** When the first event of the batch being listed arrived (0 for the first list). */
  private eventAt = 0;
  private pendingEventAt: number | undefined;

  constructor(options: { dockerHost?: string } = {}) {
    super();
    this.docker = new Dockerode(dockerodeOptions(resolveDockerEndpoint({ flag: options.dockerHost })));
  }

  snapshot(): NetworkSnapshot {
    return this.last;
  }

  /** The container that held `address` at time `at` (epoch ms). */
  holderAt(address: string, at: number): string | undefined {
    const list = this.holders.get(address);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.since <= at) return list[i]!.name;
    return undefined;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.subscribe();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    (this.events as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined)?.destroy?.();
    this.events = undefined;
  }

  private async subscribe(): Promise<void> {
    if (!this.running) return;
    try {
      const info = (await withTimeout(this.docker.info())) as { OperatingSystem?: string };
      const platform = /docker desktop/i.test(info.OperatingSystem ?? '') ? 'desktop' : 'linux';
      const events = await withTimeout(this.docker.getEvents({ filters: { type: ['network'] } }));
      if (!this.running) return void (events as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      this.events = events;
      events.on('data', () => {
        this.pendingEventAt ??= Date.now();
        this.schedule(platform, 20);
      });
      const gone = () => {
        if (this.events !== events) return;
        this.events = undefined;
        this.retry();
      };
      events.on('error', gone);
      events.on('end', gone);
      events.on('close', gone);
      await this.list(platform);
    } catch {
      // Docker away: discovery reports it; try again quietly.
      this.retry();
    }
  }

  private retry(): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.subscribe(), RETRY_MS);
  }

  private schedule(platform: NetworkSnapshot['platform'], ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.list(platform);
    }, ms);
  }

  /** One list at a time; events meanwhile cause exactly one more. */
  private async list(platform: NetworkSnapshot['platform']): Promise<void> {
    if (this.listing) {
      this.again = true;
      return this.listing;
    }
    this.listing = (async () => {
      do {
        this.again = false;
        if (this.pendingEventAt !== undefined) {
          this.eventAt = this.pendingEventAt;
          this.pendingEventAt = undefined;
        }
        try {
          await this.listOnce(platform);
        } catch (err) {
          this.emit('warning', `listing Docker networks: ${err instanceof Error ? err.message : String(err)}`);
        }
      } while (this.again && this.running);
    })().finally(() => (this.listing = undefined));
    return this.listing;
  }

  private async listOnce(platform: NetworkSnapshot['platform']): Promise<void> {
    const listed = (await withTimeout(this.docker.listNetworks({ filters: { driver: ['bridge'] } }))) as InspectedNetwork[];
    const networks: BridgeNetwork[] = [];
    const containers = new Map<string, string>();
    for (const entry of listed) {
      if (!entry.Id) continue;
      // The list omits containers; the inspect answer has them.
      const full = (await withTimeout(this.docker.getNetwork(entry.Id).inspect()).catch(() => undefined)) as InspectedNetwork | undefined;
      const n = full ?? entry;
      const config = n.IPAM?.Config ?? [];
      networks.push({
        id: entry.Id,
        name: n.Name ?? entry.Id.slice(0, 12),
        // Docker's default IPAM omits the gateway it chose when only a subnet was given: the first address.
        gateways: config.map((c) => c.Gateway ?? firstAddress(c.Subnet)).filter((g): g is string => g !== undefined && /^\d+\.\d+\.\d+\.\d+$/.test(g)),
        subnets: config.map((c) => c.Subnet ?? '').filter(Boolean),
      });
      for (const c of Object.values(n.Containers ?? {})) {
        for (const address of [c.IPv4Address, c.IPv6Address]) {
          const ip = address?.split('/')[0];
          if (ip && c.Name) containers.set(ip, c.Name);
        }
      }
    }
    networks.sort((a, b) => a.name.localeCompare(b.name));
    for (const [ip, name] of containers) {
      const list = this.holders.get(ip) ?? [];
      if (list.at(-1)?.name !== name) list.push({ name, since: this.eventAt });
      if (list.length > 8) list.shift();
      this.holders.set(ip, list);
    }
    const snapshot: NetworkSnapshot = { platform, networks, containers };
    const key = JSON.stringify([platform, networks, [...containers]]);
    this.last = snapshot;
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.emit('change', snapshot);
    }
  }
}

/** A hung engine must read as unreachable (and be retried), not hold Berth's start. */
function withTimeout<T>(promise: Promise<T>, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Docker did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The first host address of an IPv4 subnet (`172.18.0.0/16` → `172.18.0.1`), as Docker's IPAM picks it. */
export function firstAddress(subnet: string | undefined): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(subnet ?? '');
  if (!m) return undefined;
  const prefix = Number(m[5]);
  if (prefix > 30) return undefined;
  const n = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  const first = ((n & (prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0)) >>> 0) + 1;
  return [first >>> 24, (first >>> 16) & 255, (first >>> 8) & 255, first & 255].join('.');
}
