// One client connection of a TCP or TLS listener, forwarded to one target: target choice with
// failover while nothing has been sent, bytes piped both ways with backpressure and half-close,
// the idle timeout, termination at the end of a deregistration delay, and one traffic record.
import type { Socket } from 'node:net';
import type { TrafficRecord } from '../../shared/model/index.js';
import type { RuntimeTarget, TargetGroupRuntime } from '../targets/index.js';
import type { ConnectionWatch, TerminationReason, WatchedConnection } from './connection-watch.js';
import type { NetworkRoute } from './network-routes.js';
import { encodeProxyV2 } from './proxy-protocol.js';
import { adoptForRelay, RELAY_DISABLED, Relay } from './socket-relay.js';
import { connectTarget, type ConnectFailure } from './target-connector.js';

export interface TrafficSink {
  nextId(): number;
  record(record: TrafficRecord): void;
}

export type TargetGroupResolver = (name: string) => TargetGroupRuntime | undefined;

/** Why a connection ended, when it did not end with both sides closing normally. */
export type CloseReason =
  | 'idle-timeout'
  | 'no-target'
  | 'target-refused'
  | 'connect-timeout'
  | 'target-tls-failed'
  | 'target-reset'
  | 'client-reset'
  | 'deregistered'
  | 'unhealthy'
  | 'listener-closed';

export interface SessionContext {
  loadBalancer: string;
  /** `<port>/<protocol>`. */
  listenerId: string;
  kind: 'tcp' | 'tls';
  resolve: TargetGroupResolver;
  recorder: TrafficSink;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  /** Targets tried before giving up on a connection whose targets refuse. */
  maxAttempts: number;
  /** TLS listeners speak TLS to TLS target groups; TCP listeners pass bytes through as they are. */
  originateTls: boolean;
  watch: ConnectionWatch;
  closed(session: TcpSession): void;
}

const FAILURE_REASON: Record<ConnectFailure, CloseReason> = { refused: 'target-refused', timeout: 'connect-timeout', 'tls-failed': 'target-tls-failed' };

/** How many picks may come back with an already-tried target before failover gives up. */
const PICKS_PER_ATTEMPT = 16;

export class TcpSession implements WatchedConnection {
  readonly startedAt = Date.now();
  private readonly id: number;
  private readonly clientIp: string;
  private readonly clientPort: number;
  private upstream: Socket | undefined;
  group!: TargetGroupRuntime;
  target!: RuntimeTarget;
  private route: NetworkRoute | undefined;
  private connectMs: number | undefined;
  private reason: CloseReason | undefined;
  private done = false;
  private clientClosed = false;
  /** Target → client without a Buffer per read, for plain TCP targets (see socket-relay.ts). */
  private downRelay: Relay | undefined;
  private upRelay: Relay | undefined;

  constructor(
    private readonly ctx: SessionContext,
    private client: Socket,
  ) {
    this.id = ctx.recorder.nextId();
    this.clientIp = plainIp(client.remoteAddress ?? '');
    this.clientPort = client.remotePort ?? 0;
    this.watchClient(client);
  }

  private watchClient(client: Socket): void {
    client.on('error', this.onClientError);
    client.once('close', this.onClientClose);
    // AWS: the timer counts time without a byte either way; any read or write on the client
    // socket (data of either direction passes through it) restarts it.
    client.setTimeout(this.ctx.idleTimeoutMs, this.onIdle);
  }

  private unwatchClient(client: Socket): void {
    client.off('error', this.onClientError);
    client.off('close', this.onClientClose);
    client.setTimeout(0, this.onIdle);
    client.off('timeout', this.onIdle);
  }

  private readonly onClientError = (err: NodeJS.ErrnoException): void => this.fail(clientReason(err));
  private readonly onIdle = (): void => this.abort('idle-timeout');
  private readonly onClientClose = (): void => {
    this.clientClosed = true;
    // Fully closed, the client can neither send nor receive: the target side has nothing left to do.
    this.upstream?.destroy();
    this.settle();
  };

  /** Connects to a target of the route's group and starts piping; `replay` is written to it first. */
  async forward(route: NetworkRoute, replay?: Buffer, serverName?: string): Promise<void> {
    this.route = route;
    const group = route.targetGroup ? this.ctx.resolve(route.targetGroup) : undefined;
    if (!group) return this.abort('no-target');
    this.group = group;
    const tried = new Set<string>();
    const began = performance.now();
    let failure: CloseReason = 'no-target';
    for (let attempt = 0; attempt < this.ctx.maxAttempts && !this.done; attempt++) {
      const target = this.pickUntried(group, tried);
      if (!target) break;
      tried.add(target.id);
      this.target = target;
      group.begin(target);
      const tls = this.ctx.originateTls && group.config.protocol === 'TLS';
      this.downRelay = tls || RELAY_DISABLED ? undefined : new Relay();
      const result = await connectTarget({
        host: target.host,
        port: target.port,
        timeoutMs: this.ctx.connectTimeoutMs,
        ...(group.config.proxyProtocolV2 ? { proxyHeader: this.proxyHeader() } : {}),
        ...(tls ? { tls: { servername: serverName } } : {}),
        ...(this.downRelay ? { onread: this.downRelay.onread } : {}),
      });
      if (!result.ok) this.downRelay?.release();
      if (result.ok && !this.done && !this.clientClosed) {
        this.connectMs = Math.round(performance.now() - began);
        return this.pipe(result.socket, replay);
      }
      group.end(target);
      if (result.ok) {
        result.socket.destroy();
        return this.settle();
      }
      failure = FAILURE_REASON[result.failure];
    }
    this.abort(failure);
  }

  /** The target's deregistration delay ended or it turned unhealthy (as its group says), or the listener closes. */
  terminate(reason: TerminationReason | 'listener-closed'): void {
    this.abort(reason);
  }

  /** Bytes this connection holds in Berth's memory right now (both sockets, both directions). */
  bufferedBytes(): number {
    const c = this.client;
    const u = this.upstream;
    return c.writableLength + c.readableLength + (u ? u.writableLength + u.readableLength : 0);
  }

  private pickUntried(group: TargetGroupRuntime, tried: Set<string>): RuntimeTarget | undefined {
    // NLB hashes each new TCP connection afresh (its sequence number is part of the hash), which
    // spreads connections like the group's own algorithm does: round robin by default. The flow
    // key is passed along for algorithms and stickiness that want it.
    const flowKey = `${this.clientIp}:${this.clientPort}`;
    for (let i = 0; i < PICKS_PER_ATTEMPT; i++) {
      const picked = group.pick({ clientIp: this.clientIp, flowKey })?.target;
      if (!picked) return undefined;
      if (!tried.has(picked.id)) return picked;
    }
    return undefined;
  }

  private pipe(upstream: Socket, replay: Buffer | undefined): void {
    this.upstream = upstream;
    upstream.on('error', () => this.fail('target-reset'));
    // Half-open sockets close only when both directions are done (or on an error, handled above),
    // by which time the pipes have ended the client's side too: nothing to cut here.
    upstream.once('close', () => this.settle());
    if (replay && replay.length > 0) upstream.write(replay);
    // Plain TCP both ways: each direction reads into one reused buffer (socket-relay.ts). Otherwise
    // pipe(), which pauses the source while the destination's buffer is full (no unbounded
    // buffering) and, with end: true, forwards the end of each direction as a FIN. Both half-close.
    const upRelay = this.downRelay ? new Relay() : undefined;
    const adopted = upRelay ? adoptForRelay(this.client, upRelay) : undefined;
    if (adopted) this.upRelay = upRelay;
    else upRelay?.release();
    if (adopted) {
      this.unwatchClient(this.client);
      this.client = adopted;
      this.watchClient(adopted);
      upRelay!.attach(adopted, upstream);
    } else {
      this.client.pipe(upstream);
    }
    if (this.downRelay) this.downRelay.attach(upstream, this.client);
    else upstream.pipe(this.client);
    // Last: the watch resets the connection at once if its target turned unhealthy meanwhile.
    this.ctx.watch.add(this);
  }

  private proxyHeader(): Buffer {
    const c = this.client;
    return encodeProxyV2({ sourceAddress: c.remoteAddress ?? '0.0.0.0', sourcePort: c.remotePort ?? 0, destinationAddress: c.localAddress ?? '0.0.0.0', destinationPort: c.localPort ?? 0 });
  }

  /** A socket error: the first reason sticks; the connection cannot continue. */
  private fail(reason: CloseReason): void {
    this.reason ??= reason;
    this.client.destroy();
    this.upstream?.destroy();
  }

  /** Berth ends the connection: a TCP reset toward the client, as an NLB sends. */
  private abort(reason: CloseReason): void {
    this.reason ??= reason;
    reset(this.client);
    if (this.upstream) reset(this.upstream);
    this.settle();
  }

  /** Records once both sides are closed (or the client is gone before a target was connected). */
  private settle(): void {
    if (this.done) return;
    if (!this.clientClosed && !this.client.destroyed) return;
    if (this.upstream && !this.upstream.destroyed) return;
    this.done = true;
    // Both sockets are destroyed: nothing reads into the relays' buffers any more.
    this.upRelay?.release();
    this.downRelay?.release();
    if (this.upstream) {
      this.ctx.watch.remove(this);
      this.group.end(this.target);
    }
    const target = this.upstream ? this.target : undefined;
    const group = this.route?.targetGroup;
    this.ctx.recorder.record({
      id: this.id,
      kind: this.ctx.kind,
      startedAt: this.startedAt,
      loadBalancer: this.ctx.loadBalancer,
      listener: this.ctx.listenerId,
      ...(this.route ? { rule: this.route.rule } : {}),
      ...(group ? { targetGroup: group } : {}),
      ...(target ? { target: target.id } : {}),
      client: this.clientIp,
      bytesIn: this.client.bytesRead,
      bytesOut: this.client.bytesWritten ?? 0,
      durationMs: Date.now() - this.startedAt,
      ...(this.connectMs !== undefined ? { connectMs: this.connectMs } : {}),
      ...(this.reason ? { error: this.reason } : {}),
    });
    this.ctx.closed(this);
  }
}

function clientReason(_err: NodeJS.ErrnoException): CloseReason {
  // ECONNRESET, EPIPE, a TLS alert: in every case the client broke the connection off.
  return 'client-reset';
}

/** RST where the socket is plain TCP; TLS sockets (no TCP handle of their own) are destroyed. */
function reset(socket: Socket): void {
  if (socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

/** `::ffff:127.0.0.1` → `127.0.0.1`: clients are shown as the address they used. */
export function plainIp(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
