// Lets containers call Berth's listeners by the names the rules serve: Berth listens on each Docker
// bridge's gateway (for peers in the bridges' subnets only) on the ports of its loopback listeners,
// answers those names from a DNS server on the same addresses, and keeps the CA files containers
// mount. On Docker Desktop, host-gateway already reaches the host's loopback: nothing is bound.
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import type { BerthConfig, ContainerAccessView, Listener, LoadBalancer } from '../../shared/model/index.js';
import { caState } from '../tls/index.js';
import { composeOverride, dockerRunArgs, shellLine, type ContainerEnvInput } from './container-env.js';
import { containerTrustDir, writeContainerTrust } from './container-trust.js';
import { DnsServer } from './dns-server.js';
import { DockerNetworks, type NetworkSnapshot } from './docker-networks.js';
import { GatewayForwarders, type GatewayBinding } from './gateway-forwarders.js';
import { servedNames, type ServedNames } from './served-names.js';

/** A running listener as the engine knows it. */
export interface AccessibleListener {
  loadBalancer: LoadBalancer;
  listener: Listener;
  /** Takes a connection accepted elsewhere; false when the listener takes none now. */
  accept?: (socket: Socket) => boolean;
}

export interface ContainerAccessOptions {
  dataDir: string;
  dockerHost?: string;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  onChange: () => void;
  /** The DNS port (53: Docker's `--dns` takes no port). */
  dnsPort?: number;
}

const TCP_PROTOCOLS = new Set(['HTTP', 'HTTPS', 'TCP', 'TLS', 'TCP_UDP']);

export const DNS_BIND_HINT =
  'let Berth bind port 53 once: `sudo setcap cap_net_bind_service=+ep "$(readlink -f "$(command -v node)")"`, ' +
  'or `sudo sysctl -w net.ipv4.ip_unprivileged_port_start=53`; until then containers get --add-host entries ' +
  'for the names known now, and a name added later needs the container recreated';

export class ContainerAccess {
  private readonly networks: DockerNetworks;
  private readonly forwarders = new GatewayForwarders();
  private readonly dns = new Map<string, DnsServer>();
  private dnsErrors = new Map<string, string>();
  private names: ServedNames = servedNames({ loadBalancers: [], targetGroups: [] });
  private listeners: AccessibleListener[] = [];
  private trustDir: string | undefined;
  private syncing: Promise<void> = Promise.resolve();
  private started = false;
  private wanted = false;

  constructor(private readonly options: ContainerAccessOptions) {
    this.networks = new DockerNetworks(options.dockerHost ? { dockerHost: options.dockerHost } : {});
    this.networks.on('change', () => void this.sync());
    this.networks.on('warning', (m) => options.log('warn', m));
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.networks.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.networks.stop();
    await this.syncing;
    await this.forwarders.close();
    await Promise.all([...this.dns.values()].map((d) => d.stop()));
    this.dns.clear();
  }

  /** The engine's latest config and listeners; applied at once (serialised with network changes). */
  update(config: BerthConfig, listeners: AccessibleListener[]): Promise<void> {
    this.names = servedNames(config);
    this.listeners = listeners;
    this.wanted = config.loadBalancers.some((lb) => lb.containerAccess !== false && lb.listeners.length > 0);
    return this.sync();
  }

  /** The container that had a client address when a request began, for traffic records. */
  clientName(address: string, at: number): string | undefined {
    return this.networks.holderAt(address.startsWith('::ffff:') ? address.slice(7) : address, at);
  }

  view(): ContainerAccessView {
    const snapshot = this.networks.snapshot();
    const gateways = this.gateways(snapshot);
    const platform = !this.wanted ? 'off' : snapshot.platform;
    const env = this.envInput();
    const dnsAddresses = [...this.dns.keys()];
    const errors = [...this.dnsErrors.values()];
    return {
      platform,
      gateways,
      listening: this.forwarders.addresses(),
      dns: {
        addresses: dnsAddresses,
        ...(errors.length ? { error: errors.join('; ') } : {}),
        ...(errors.some((e) => /EACCES|permission/i.test(e)) ? { hint: DNS_BIND_HINT } : {}),
      },
      ...(this.trustDir ? { trustDir: this.trustDir } : {}),
      env,
      dockerArgs: shellLine(dockerRunArgs(env)),
      composeSnippet: composeOverride(['SERVICE'], env),
      problems: this.forwarders.failures().map((p) => `${p.address}:${p.port}: ${p.message}`),
    };
  }

  /** What `berth containers env` prints: Berth's DNS where it runs, else host entries for today's names. */
  envInput(): ContainerEnvInput {
    const snapshot = this.networks.snapshot();
    const trustDir = this.trustDir ?? containerTrustDir(this.options.dataDir);
    const primary = this.primaryGateway(snapshot);
    if (snapshot.platform === 'desktop') {
      return { hosts: this.names.exact.map((name) => ({ name, address: 'host-gateway' })), trustDir };
    }
    const dns = primary && this.dns.has(primary) ? primary : undefined;
    if (dns || !primary) return { ...(dns ? { dns } : {}), hosts: [], trustDir };
    return { hosts: this.names.exact.map((name) => ({ name, address: primary })), trustDir };
  }

  private sync(): Promise<void> {
    this.syncing = this.syncing.then(() => this.syncNow()).catch((err: unknown) => this.options.log('error', `container access: ${String(err)}`));
    return this.syncing;
  }

  private async syncNow(): Promise<void> {
    if (!this.started) return;
    const snapshot = this.networks.snapshot();
    const open = this.listeners.filter((l) => l.loadBalancer.containerAccess !== false && isLoopback(l.listener.address) && TCP_PROTOCOLS.has(l.listener.protocol));
    const linux = snapshot.platform === 'linux' && this.wanted;
    const gateways = linux ? this.gateways(snapshot) : [];
    const addresses = [...new Set(gateways.map((g) => g.address))];
    this.forwarders.setPeers(
      snapshot.networks.flatMap((n) => n.subnets),
      snapshot.networks.flatMap((n) => n.gateways),
    );
    const bindings: GatewayBinding[] = [];
    for (const address of addresses) {
      for (const l of open) {
        const accept = l.accept;
        if (accept) bindings.push({ address, port: l.listener.port, accept });
      }
    }
    const before = this.forwarders.addresses().join();
    await this.forwarders.apply(bindings);
    for (const p of this.forwarders.failures()) this.options.log('warn', `containers cannot reach port ${p.port} on ${p.address}: ${p.message}`);
    const dnsChanged = await this.syncDns(addresses);
    await this.refreshTrust();
    if (dnsChanged || before !== this.forwarders.addresses().join()) this.options.onChange();
  }

  private async syncDns(addresses: string[]): Promise<boolean> {
    let changed = false;
    for (const [address, server] of this.dns) {
      if (addresses.includes(address)) continue;
      this.dns.delete(address);
      await server.stop();
      changed = true;
    }
    for (const address of addresses) {
      if (this.dns.has(address)) continue;
      const server = new DnsServer({ address, port: this.options.dnsPort ?? 53, serves: (name) => this.names.has(name), upstreams: upstreamResolvers });
      try {
        await server.start();
        this.dns.set(address, server);
        if (this.dnsErrors.delete(address)) changed = true;
        this.options.log('info', `containers: DNS for Berth's names on ${address}:${server.port}`);
        changed = true;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        const message = `cannot listen on ${address}:${this.options.dnsPort ?? 53} for DNS (${code || (err as Error).message})`;
        if (this.dnsErrors.get(address) !== message) {
          this.dnsErrors.set(address, message);
          this.options.log('warn', `containers: ${message}; ${code === 'EACCES' ? DNS_BIND_HINT : 'containers get --add-host entries for the names known now instead'}`);
          changed = true;
        }
      }
    }
    for (const address of [...this.dnsErrors.keys()]) if (!addresses.includes(address)) this.dnsErrors.delete(address);
    return changed;
  }

  /** The CA files for containers, once the CA exists (an HTTPS listener or `berth containers env` makes it). */
  private async refreshTrust(): Promise<void> {
    if (this.trustDir || !this.wanted) return;
    if ((await caState(this.options.dataDir)) !== 'present') return;
    try {
      this.trustDir = await writeContainerTrust(this.options.dataDir);
    } catch (err) {
      this.options.log('warn', `containers: cannot write the CA files for containers: ${String(err)}`);
    }
  }

  private gateways(snapshot: NetworkSnapshot): ContainerAccessView['gateways'] {
    return snapshot.networks.flatMap((n) => n.gateways.map((address) => ({ network: n.name, address, subnets: n.subnets })));
  }

  /** The default bridge's gateway (plain `docker run`), else the first network's. */
  private primaryGateway(snapshot: NetworkSnapshot): string | undefined {
    const bridge = snapshot.networks.find((n) => n.name === 'bridge' && n.gateways.length);
    return (bridge ?? snapshot.networks.find((n) => n.gateways.length))?.gateways[0];
  }
}

function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || address.startsWith('127.');
}

/** The host's resolvers (`BERTH_DNS_UPSTREAM`, comma-separated, else /etc/resolv.conf), read per query
 * so a network change on the host is followed. */
export function upstreamResolvers(): string[] {
  const configured = process.env.BERTH_DNS_UPSTREAM;
  if (configured) return configured.split(',').map((s) => s.trim()).filter(Boolean);
  try {
    return readFileSync('/etc/resolv.conf', 'utf8')
      .split('\n')
      .map((line) => /^\s*nameserver\s+(\S+)/.exec(line)?.[1])
      .filter((s): s is string => s !== undefined)
      .map((s) => (s.includes(':') ? `[${s}]` : s));
  } catch {
    return [];
  }
}
