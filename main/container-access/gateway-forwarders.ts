// Sockets on the Docker bridges' gateway addresses, one per (gateway, listener port): a connection
// from a container's subnet is handed to the listener as if it had arrived on its own socket, so it
// takes the same rules, certificates and records; any other peer is closed at once.
import * as net from 'node:net';
import { cidrContains, parseAddress, parseCidr, type Cidr } from '../../shared/model/cidr.js';

export interface GatewayBinding {
  /** The gateway address to listen on. */
  address: string;
  port: number;
  /** Hands an accepted connection to the listener; false when the listener is not taking any. */
  accept: (socket: net.Socket) => boolean;
}

export interface GatewayProblem {
  address: string;
  port: number;
  message: string;
}

interface Bound {
  server: net.Server;
  binding: GatewayBinding;
}

export class GatewayForwarders {
  private readonly bound = new Map<string, Bound>();
  private allowed: Cidr[] = [];
  private own = new Set<string>();
  private problems: GatewayProblem[] = [];

  /** Who may connect: addresses inside these subnets, except the gateways themselves (the host). */
  setPeers(subnets: readonly string[], gateways: readonly string[]): void {
    this.allowed = subnets.flatMap((s) => parseCidr(s) ?? []);
    this.own = new Set(gateways);
  }

  allows(remote: string | undefined): boolean {
    if (!remote) return false;
    const ip = remote.startsWith('::ffff:') ? remote.slice(7) : remote;
    if (this.own.has(ip)) return false;
    const parsed = parseAddress(ip);
    return parsed !== undefined && this.allowed.some((c) => cidrContains(c, parsed));
  }

  failures(): GatewayProblem[] {
    return [...this.problems];
  }

  /** Binds what is new, closes what is gone, re-points what stays; never throws. */
  async apply(bindings: readonly GatewayBinding[]): Promise<void> {
    const wanted = new Map(bindings.map((b) => [key(b), b]));
    for (const [k, b] of this.bound) {
      if (wanted.has(k)) continue;
      this.bound.delete(k);
      await close(b.server);
    }
    const problems: GatewayProblem[] = [];
    for (const [k, binding] of wanted) {
      const existing = this.bound.get(k);
      if (existing) {
        existing.binding = binding;
        continue;
      }
      const entry: Bound = { server: net.createServer({ pauseOnConnect: true, allowHalfOpen: true }), binding };
      entry.server.on('connection', (socket) => {
        socket.on('error', () => undefined);
        if (!this.allows(socket.remoteAddress) || !entry.binding.accept(socket)) socket.destroy();
      });
      try {
        await listen(entry.server, binding.address, binding.port);
        entry.server.on('error', () => undefined);
        this.bound.set(k, entry);
      } catch (err) {
        problems.push({ address: binding.address, port: binding.port, message: (err as Error).message });
      }
    }
    this.problems = problems;
  }

  async close(): Promise<void> {
    const servers = [...this.bound.values()].map((b) => b.server);
    this.bound.clear();
    await Promise.all(servers.map(close));
  }

  /** `address:port` of every bound socket, for the state view. */
  addresses(): string[] {
    return [...this.bound.values()].map((b) => `${b.binding.address}:${b.binding.port}`).sort();
  }
}

function key(b: GatewayBinding): string {
  return `${b.address}|${b.port}`;
}

function listen(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
