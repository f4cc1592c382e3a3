// An NLB UDP listener: one bound socket, a flow per client address:port with its own connected socket
// to the flow's target (so replies find their way back to that client), AWS's idle timeout per flow,
// a bounded flow table, and flows that move to another target when theirs leaves the group.
import * as dgram from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import { isIP, isIPv6 } from 'node:net';
import type { Listener, LoadBalancer, TrafficRecord } from '../../shared/model/index.js';
import { listenerBindError } from '../../shared/errors.js';
import { FlowTable } from './udp-flow-table.js';
import { UdpFlow, type FlowEnd, type FlowTarget, type FlowTargetGroup } from './udp-flow.js';
import { terminatesOnDeregistration } from './connection-watch.js';
import { GroupChoice } from './network-routes.js';

export type { FlowEnd, FlowTarget, FlowTargetGroup };

export interface UdpTrafficSink {
  nextId(): number;
  record(record: TrafficRecord): void;
}

export interface UdpListenerOptions {
  listener: Listener;
  loadBalancer: LoadBalancer;
  resolveTargetGroup: (name: string) => FlowTargetGroup | undefined;
  recorder: UdpTrafficSink;
  /** Tests: a clock for the flows' idle time (default Date.now). */
  now?: () => number;
}

/** AWS's fixed UDP flow idle timeout, Berth's default. */
export const DEFAULT_UDP_IDLE_TIMEOUT_SECONDS = 120;
export const DEFAULT_UDP_MAX_FLOWS = 10_000;

export interface UdpListenerStats {
  flowsActive: number;
  /** The most flows held at once since the listener was made. */
  flowsPeak: number;
  flowsCreated: number;
  /** Flows pushed out of a full table (the least recently active first). */
  flowsEvicted: number;
  flowsExpired: number;
  /** Flows ended because their target left the group (drained, removed) and moved on the next datagram. */
  flowsRehomed: number;
  /** Datagrams from clients that no target could take (no group, no usable target, send failures). */
  datagramsDropped: number;
}

export class UdpListener {
  readonly id: string;
  private listener: Listener;
  private groups: GroupChoice;
  private loadBalancer: LoadBalancer;
  private socket: dgram.Socket | undefined;
  private starting: Promise<void> | undefined;
  private readonly table: FlowTable<UdpFlow>;
  private readonly now: () => number;
  private expiryTimer: NodeJS.Timeout | undefined;
  private expiryAt = Infinity;
  /** Per group: the flows on each of its targets, and the 'changed' handler watching them. */
  private readonly watched = new Map<FlowTargetGroup, { onChanged: () => void; byTarget: Map<FlowTarget, Set<UdpFlow>> }>();
  private readonly counts = { created: 0, expired: 0, rehomed: 0, dropped: 0 };

  constructor(private readonly options: UdpListenerOptions) {
    this.listener = options.listener;
    this.groups = new GroupChoice(options.listener.defaultAction);
    this.loadBalancer = options.loadBalancer;
    this.id = `${options.listener.port}/${options.listener.protocol}`;
    this.now = options.now ?? Date.now;
    this.table = new FlowTable({ maxFlows: maxFlowsOf(options.listener), idleTimeoutMs: idleMsOf(options.listener) });
  }

  get listening(): boolean {
    return this.socket !== undefined;
  }

  /** The bound port (the configured one, or the system's choice for port 0 in tests). */
  get port(): number | undefined {
    try {
      return this.socket?.address().port;
    } catch {
      return undefined;
    }
  }

  get stats(): UdpListenerStats {
    return {
      flowsActive: this.table.size,
      flowsPeak: this.table.peak,
      flowsCreated: this.counts.created,
      flowsEvicted: this.table.evicted,
      flowsExpired: this.counts.expired,
      flowsRehomed: this.counts.rehomed,
      datagramsDropped: this.counts.dropped,
    };
  }

  /** Binds the socket; a port in use or not permitted rejects with LISTENER_BIND_FAILED. */
  start(): Promise<void> {
    if (this.socket) return Promise.resolve();
    this.starting ??= this.bind().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async bind(): Promise<void> {
    const { listener } = this;
    const socket = dgram.createSocket({ type: isIPv6(listener.address) ? 'udp6' : 'udp4', lookup: literalLookup });
    await new Promise<void>((resolve, reject) => {
      const failed = (err: NodeJS.ErrnoException) => {
        socket.off('listening', listening);
        socket.close();
        reject(listenerBindError(err, this.loadBalancer.name, this.id, listener.address, listener.port, '/udp'));
      };
      const listening = () => {
        socket.off('error', failed);
        resolve();
      };
      socket.once('error', failed);
      socket.once('listening', listening);
      socket.bind({ port: listener.port, address: listener.address });
    });
    // Room for bursts from many clients at once; the system may grant less.
    try {
      socket.setRecvBufferSize(4 * 1024 * 1024);
      socket.setSendBufferSize(4 * 1024 * 1024);
    } catch {
      // The default buffers still work.
    }
    // After the bind, errors concern single datagrams (e.g. ICMP for one client): never fatal.
    socket.on('error', noop);
    socket.on('message', this.onClientDatagram);
    this.socket = socket;
  }

  async stop(): Promise<void> {
    await this.close();
  }

  /** Disabled, the port is closed and every flow ends; enabled, it binds again. */
  async setEnabled(enabled: boolean): Promise<void> {
    if (enabled) await this.start();
    else await this.close();
  }

  /** Idle timeout, flow cap and default action change live; flows on a group no longer named move on. */
  update(listener: Listener, loadBalancer: LoadBalancer = this.loadBalancer): void {
    this.listener = listener;
    this.groups = new GroupChoice(listener.defaultAction);
    this.loadBalancer = loadBalancer;
    this.table.idleTimeoutMs = idleMsOf(listener);
    for (const flow of this.table.resize(maxFlowsOf(listener))) this.finish(flow, 'evicted', false);
    const named = new Set(forwardGroups(listener).map((g) => g.name));
    for (const flow of [...this.table.values()]) {
      if (!named.has(flow.group.name) || this.options.resolveTargetGroup(flow.group.name) !== flow.group) this.rehome(flow);
    }
    this.scheduleExpiry();
  }

  private readonly onClientDatagram = (msg: Buffer, rinfo: dgram.RemoteInfo): void => {
    const now = this.now();
    const key = `${rinfo.address} ${rinfo.port}`;
    let flow = this.table.get(key);
    if (flow && flow.target.health === 'unused' && terminatesOnDeregistration(flow.group)) {
      // The target left between two 'changed' checks: this datagram starts a new flow.
      this.rehome(flow);
      flow = undefined;
    }
    if (!flow) {
      flow = this.openFlow(key, rinfo, now);
      if (!flow) {
        this.counts.dropped++;
        return;
      }
    } else this.table.touch(flow, now);
    if (!flow.send(msg)) this.counts.dropped++;
  };

  private openFlow(key: string, rinfo: dgram.RemoteInfo, now: number): UdpFlow | undefined {
    const socket = this.socket;
    if (!socket) return undefined;
    const chosen = this.choose(rinfo.address);
    if (!chosen) return undefined;
    const { group, target } = chosen;
    const local = socket.address();
    const flow = new UdpFlow({
      key,
      client: { address: rinfo.address, port: rinfo.port, family: rinfo.family },
      listenerAddress: { address: local.address, port: local.port, family: local.family },
      group,
      target,
      startedAt: now,
      proxyProtocol: group.config.proxyProtocolV2,
      reply: (data) => {
        // Replies count as activity: a flow that only receives stays alive.
        // (touch leaves a flow that already left the table alone).
        this.table.touch(flow, this.now());
        // No callback: a failed send (the client went away) surfaces on the socket's 'error', ignored there.
        socket.send(data, rinfo.port, rinfo.address);
      },
      failed: () => this.finish(flow, 'target-error', true),
    });
    for (const victim of this.table.add(flow, now)) this.finish(victim, 'evicted', false);
    this.counts.created++;
    group.begin(target);
    this.watch(flow);
    this.scheduleExpiry();
    return flow;
  }

  /** A new flow's target: the group's own choice (health, algorithm, source-IP stickiness). */
  private choose(clientIp: string): { group: FlowTargetGroup; target: FlowTarget } | undefined {
    // Several groups: each new flow picks one by weight; a flow stays on its group while it lives.
    const name = this.groups.next();
    const group = name === undefined ? undefined : this.options.resolveTargetGroup(name);
    const pick = group?.pick({ clientIp: unmapped(clientIp) });
    return group && pick ? { group, target: pick.target } : undefined;
  }

  private watch(flow: UdpFlow): void {
    let entry = this.watched.get(flow.group);
    if (!entry) {
      const group = flow.group;
      const created = { onChanged: () => this.onGroupChanged(group), byTarget: new Map<FlowTarget, Set<UdpFlow>>() };
      entry = created;
      this.watched.set(group, created);
      group.on('changed', created.onChanged);
    }
    let flows = entry.byTarget.get(flow.target);
    if (!flows) entry.byTarget.set(flow.target, (flows = new Set()));
    flows.add(flow);
  }

  private unwatch(flow: UdpFlow): void {
    const entry = this.watched.get(flow.group);
    const flows = entry?.byTarget.get(flow.target);
    if (!entry || !flows) return;
    flows.delete(flow);
    if (flows.size > 0) return;
    entry.byTarget.delete(flow.target);
    if (entry.byTarget.size > 0) return;
    flow.group.off('changed', entry.onChanged);
    this.watched.delete(flow.group);
  }

  /** AWS ends a deregistered target's UDP flows when the delay is over (connection termination on by default for UDP). */
  private onGroupChanged(group: FlowTargetGroup): void {
    const entry = this.watched.get(group);
    if (!entry || !terminatesOnDeregistration(group)) return;
    for (const [target, flows] of [...entry.byTarget]) {
      if (target.health !== 'unused') continue;
      for (const flow of [...flows]) this.rehome(flow);
    }
  }

  /** The flow ends here; the client's next datagram opens a new flow to a target that is still there. */
  private rehome(flow: UdpFlow): void {
    this.counts.rehomed++;
    this.finish(flow, 'target-left', true);
  }

  private finish(flow: UdpFlow, reason: FlowEnd, removeFromTable: boolean): void {
    if (flow.ended) return;
    if (removeFromTable) this.table.delete(flow);
    this.unwatch(flow);
    flow.group.end(flow.target);
    flow.close();
    const now = this.now();
    this.options.recorder.record({
      id: this.options.recorder.nextId(),
      kind: 'udp',
      startedAt: flow.startedAt,
      loadBalancer: this.loadBalancer.name,
      listener: this.id,
      targetGroup: flow.group.name,
      target: flow.target.id,
      // The address alone, as TCP and HTTP records have it; the port made the flow, not the client.
      client: unmapped(flow.client.address),
      bytesIn: flow.bytesIn,
      bytesOut: flow.bytesOut,
      packetsIn: flow.packetsIn,
      packetsOut: flow.packetsOut,
      durationMs: Math.max(0, now - flow.startedAt),
      error: reason,
    });
  }

  /** One timer for the whole table, set for the moment the least recently active flow goes idle. */
  private scheduleExpiry(): void {
    const at = this.table.nextExpiryAt();
    if (at === undefined) {
      clearTimeout(this.expiryTimer);
      this.expiryTimer = undefined;
      this.expiryAt = Infinity;
      return;
    }
    // An earlier timer already set fires first and reschedules; only an earlier expiry needs a new one.
    if (this.expiryTimer && this.expiryAt <= at) return;
    clearTimeout(this.expiryTimer);
    this.expiryAt = at;
    this.expiryTimer = setTimeout(this.onExpiryTimer, Math.max(0, at - this.now()) + 5);
    this.expiryTimer.unref();
  }

  private readonly onExpiryTimer = (): void => {
    this.expiryTimer = undefined;
    this.expiryAt = Infinity;
    for (const flow of this.table.expire(this.now())) {
      this.counts.expired++;
      this.finish(flow, 'idle-timeout', false);
    }
    this.scheduleExpiry();
  };

  /** Tests with a fake clock: expire what is idle at the clock's time now. */
  expireIdle(): void {
    this.onExpiryTimer();
  }

  private async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    this.expiryAt = Infinity;
    for (const flow of this.table.clear()) this.finish(flow, 'stopped', false);
    if (!socket) return;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  private where() {
    return { loadBalancer: this.loadBalancer.name, listener: this.id };
  }
}

function forwardGroups(listener: Listener): { name: string; weight: number }[] {
  const groups = listener.defaultAction.forward?.targetGroups ?? [];
  return groups.filter((g) => (g.weight ?? 1) > 0).map((g) => ({ name: g.name, weight: g.weight ?? 1 }));
}

function idleMsOf(listener: Listener): number {
  return (listener.udpIdleTimeoutSeconds ?? DEFAULT_UDP_IDLE_TIMEOUT_SECONDS) * 1000;
}

function maxFlowsOf(listener: Listener): number {
  return listener.udpMaxFlows ?? DEFAULT_UDP_MAX_FLOWS;
}

/** A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d; people and rules know them as a.b.c.d. */
function unmapped(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}


/** Replies go to the address a datagram came from, always an IP literal: answered at once rather
 * than through dns.lookup, which defers even a literal to the next tick (once per reply). */
function literalLookup(address: string, family: unknown, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  const literal = isIP(address);
  if (literal !== 0) callback(null, address, literal);
  else dnsLookup(address, family as number, callback);
}

function noop(): void {}
