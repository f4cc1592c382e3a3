// One UDP flow: a client address:port held to one target through its own connected socket, so the
// target's replies (and only the target's) come back on it and go to that client. A flow's socket
// errors stay in the flow: a refused datagram (ICMP port unreachable) is counted, never thrown.
import * as dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { PickContext } from '../targets/index.js';
import { encodeProxyV2 } from './proxy-protocol.js';
import type { FlowEntry } from './udp-flow-table.js';

/** Why a flow ended, as its traffic record's `error` says. */
export type FlowEnd = 'idle-timeout' | 'evicted' | 'target-left' | 'stopped' | 'target-error';

export interface FlowTarget {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly health: string;
  /** A TCP_UDP group's target may publish its UDP side on another port (TargetSpec.udpPort). */
  readonly spec?: { readonly udpPort?: number | undefined };
}

/** What a UDP listener needs of a target group (the engine's TargetGroupRuntime, or a test's fake). */
export interface FlowTargetGroup {
  readonly name: string;
  readonly config: { readonly protocol: string; readonly proxyProtocolV2: boolean; readonly connectionTermination?: boolean | undefined };
  pick(ctx: PickContext): { target: FlowTarget } | undefined;
  begin(target: FlowTarget): void;
  end(target: FlowTarget): void;
  on(event: 'changed', listener: () => void): unknown;
  off(event: 'changed', listener: () => void): unknown;
}

export interface Endpoint {
  address: string;
  port: number;
  family: string;
}

export interface UdpFlowOptions {
  key: string;
  client: Endpoint;
  /** The listener's own address: the destination a PROXY header names. */
  listenerAddress: Endpoint;
  group: FlowTargetGroup;
  target: FlowTarget;
  startedAt: number;
  proxyProtocol: boolean;
  /** A datagram from the target, for the client. */
  reply: (data: Buffer) => void;
  /** The upstream socket could not be set up (e.g. the target's name does not resolve). */
  failed: (err: Error) => void;
}

/** Datagrams held while the upstream socket connects; a burst beyond this is dropped, as UDP may. */
const MAX_QUEUED = 64;

export class UdpFlow implements FlowEntry {
  readonly key: string;
  readonly client: Endpoint;
  readonly group: FlowTargetGroup;
  readonly target: FlowTarget;
  readonly startedAt: number;
  lastActiveAt: number;
  older?: FlowEntry | undefined;
  newer?: FlowEntry | undefined;
  bytesIn = 0;
  bytesOut = 0;
  packetsIn = 0;
  packetsOut = 0;
  /** Datagrams the target refused (ICMP port unreachable) or the system would not send. */
  sendErrors = 0;
  ended = false;
  private connected = false;
  private queue: Buffer[] | undefined = [];
  private readonly socket: dgram.Socket;
  /** PROXY v2 (DGRAM) header, the same for every datagram of the flow. */
  private readonly header: Buffer | undefined;

  constructor(options: UdpFlowOptions) {
    this.key = options.key;
    this.client = options.client;
    this.group = options.group;
    this.target = options.target;
    this.startedAt = options.startedAt;
    this.lastActiveAt = options.startedAt;
    this.header = options.proxyProtocol
      ? encodeProxyV2(
          { sourceAddress: options.client.address, sourcePort: options.client.port, destinationAddress: options.listenerAddress.address, destinationPort: options.listenerAddress.port },
          'dgram',
        )
      : undefined;
    const socket = dgram.createSocket({ type: isIPv6(options.target.host) ? 'udp6' : 'udp4' });
    this.socket = socket;
    socket.on('message', (data) => {
      if (this.ended) return;
      this.bytesOut += data.length;
      this.packetsOut++;
      options.reply(data);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (this.ended) return;
      if (this.connected || err.code === 'ECONNREFUSED') {
        this.sendErrors++;
        return;
      }
      options.failed(err);
    });
    // Node hands a failed connect (a name that does not resolve, no file descriptors left) to this callback.
    socket.connect(options.target.spec?.udpPort ?? options.target.port, options.target.host, (err?: Error) => {
      if (this.ended) return;
      if (err) return options.failed(err);
      this.connected = true;
      const queued = this.queue ?? [];
      this.queue = undefined;
      for (const msg of queued) this.write(msg);
    });
  }

  /** Forwards a client datagram; false when it had to be dropped (queue full while connecting, or ended). */
  send(msg: Buffer): boolean {
    if (this.ended) return false;
    this.bytesIn += msg.length;
    this.packetsIn++;
    if (this.connected) {
      this.write(msg);
      return true;
    }
    if (this.queue && this.queue.length < MAX_QUEUED) {
      this.queue.push(msg);
      return true;
    }
    return false;
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.queue = undefined;
    try {
      this.socket.close();
    } catch {
      // Already closed.
    }
  }

  private write(msg: Buffer): void {
    // Errors arrive on the socket's 'error' event (counted there); a closed socket throws here.
    try {
      if (this.header) this.socket.send([this.header, msg]);
      else this.socket.send(msg);
    } catch {
      this.sendErrors++;
    }
  }
}
