// A network listener (TCP, or TLS when given TLS server options): binds its address and port and
// forwards each connection to a target of its group — chosen by SNI rules on TCP listeners. Routes
// change live (update) without rebinding; disabling closes the port; one connection's failure
// never reaches another.
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Listener, LoadBalancer } from '../../shared/model/index.js';
import { listenerBindError } from '../../shared/errors.js';
import { TLS_HANDSHAKE_TIMEOUT_MS } from '../tls/index.js';
import { ConnectionWatch } from './connection-watch.js';
import { peekClientHello } from './hello-peek.js';
import { NetworkRoutes } from './network-routes.js';
import { TcpSession, plainIp, type SessionContext, type TargetGroupResolver, type TrafficSink } from './tcp-session.js';

export interface TcpListenerOptions {
  listener: Listener;
  loadBalancer: LoadBalancer;
  resolveTargetGroup: TargetGroupResolver;
  recorder: TrafficSink;
  /** TLS listeners: the TLS server options (`{ SNICallback, key, cert }`); Berth terminates TLS. */
  tls?: tls.TlsOptions;
  /** Time a target has to accept a connection (AWS's 10 s). */
  connectTimeoutMs?: number;
  /** Overrides the idle timeout, which otherwise is the listener's tcpIdleTimeoutSeconds or 350 s. */
  idleTimeoutMs?: number;
  /** How long SNI routing waits for a complete ClientHello before using the default action (5 s). */
  helloTimeoutMs?: number;
  /** Targets tried per connection when they refuse (3). */
  maxAttempts?: number;
}

/** AWS's NLB idle timeout: the default for TCP listeners, fixed for TLS listeners. */
export const NLB_IDLE_TIMEOUT_SECONDS = 350;

export class TcpListener {
  readonly id: string;
  private listener: Listener;
  private loadBalancer: LoadBalancer;
  private routes: NetworkRoutes;
  private server: net.Server | undefined;
  private starting: Promise<void> | undefined;
  private readonly sessions = new Set<TcpSession>();
  /** Every accepted socket, TLS handshakes in progress included, so closing never waits on one. */
  private readonly sockets = new Set<net.Socket>();
  private readonly watch = new ConnectionWatch();
  private ctx: SessionContext;

  constructor(private readonly options: TcpListenerOptions) {
    this.listener = options.listener;
    this.loadBalancer = options.loadBalancer;
    this.id = `${options.listener.port}/${options.listener.protocol}`;
    this.routes = new NetworkRoutes(options.listener);
    this.ctx = this.context();
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  /** The bound port (the configured one once listening). */
  get port(): number | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address.port : undefined;
  }

  /** Open connections right now. */
  get connections(): number {
    return this.sessions.size;
  }

  /** Bytes held in Berth's socket buffers over all connections: bounded by backpressure, not by traffic. */
  bufferedBytes(): number {
    let n = 0;
    for (const s of this.sessions) n += s.bufferedBytes();
    return n;
  }

  /** A connection accepted on another socket (containers' gateway address), paused as ours are. */
  accept(socket: net.Socket): boolean {
    const server = this.server;
    if (!server?.listening) return false;
    server.emit('connection', socket);
    return true;
  }

  /** Binds the socket; a port in use or not permitted rejects with LISTENER_BIND_FAILED. */
  start(): Promise<void> {
    if (this.server?.listening) return Promise.resolve();
    // Two callers starting at once share one bind rather than racing for the port.
    this.starting ??= this.bind().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** Stops accepting and closes every connection at once (a reset, as when an NLB listener goes). */
  async stop(): Promise<void> {
    await this.closeServer();
  }

  /** Rules and default action change live; connections already forwarded keep their target. */
  update(listener: Listener, loadBalancer: LoadBalancer = this.loadBalancer): void {
    this.listener = listener;
    this.loadBalancer = loadBalancer;
    this.routes = new NetworkRoutes(listener);
    this.ctx = this.context();
  }

  /** Disabled, the port refuses connections and open ones are closed; enabled, it listens again. */
  async setEnabled(enabled: boolean): Promise<void> {
    if (enabled) await this.start();
    else await this.closeServer();
  }

  private context(): SessionContext {
    const { listener } = this;
    const tlsListener = this.options.tls !== undefined;
    const idleSeconds = tlsListener ? NLB_IDLE_TIMEOUT_SECONDS : (listener.tcpIdleTimeoutSeconds ?? NLB_IDLE_TIMEOUT_SECONDS);
    return {
      loadBalancer: this.loadBalancer.name,
      listenerId: this.id,
      kind: tlsListener ? 'tls' : 'tcp',
      resolve: this.options.resolveTargetGroup,
      recorder: this.options.recorder,
      connectTimeoutMs: this.options.connectTimeoutMs ?? 10_000,
      idleTimeoutMs: this.options.idleTimeoutMs ?? idleSeconds * 1000,
      maxAttempts: this.options.maxAttempts ?? 3,
      originateTls: tlsListener,
      watch: this.watch,
      closed: (session) => this.sessions.delete(session),
    };
  }

  private async bind(): Promise<void> {
    const { listener } = this;
    const server = this.createServer();
    await new Promise<void>((resolve, reject) => {
      const failed = (err: NodeJS.ErrnoException) => {
        server.off('listening', listening);
        reject(listenerBindError(err, this.loadBalancer.name, this.id, listener.address, listener.port));
      };
      const listening = () => {
        server.off('error', failed);
        resolve();
      };
      server.once('error', failed);
      server.once('listening', listening);
      server.listen({ port: listener.port, host: listener.address });
    });
    // After a successful bind, errors concern single connections and are handled there.
    server.on('error', noop);
    this.server = server;
  }

  private createServer(): net.Server {
    let server: net.Server;
    if (this.options.tls) {
      server = tls.createServer({ ...this.options.tls, allowHalfOpen: true, handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS }, this.onSecureConnection);
      server.on('tlsClientError', this.onTlsClientError);
    } else {
      // Paused until a target is connected, so the kernel holds the client's first bytes, not Berth.
      server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, this.onConnection);
    }
    server.on('connection', (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    return server;
  }

  private readonly onConnection = (socket: net.Socket): void => {
    const { ctx, routes } = this;
    const session = this.open(socket, ctx);
    if (!routes.usesSni) return void session.forward(routes.route(undefined));
    void peekClientHello(socket, this.options.helloTimeoutMs ?? 5_000).then((peeked) => {
      // A client gone while we waited has been recorded by its session already.
      if (socket.destroyed) return;
      return session.forward(routes.route(peeked.serverName), peeked.buffered);
    });
  };

  private readonly onSecureConnection = (socket: tls.TLSSocket): void => {
    const session = this.open(socket, this.ctx);
    const servername = (socket as tls.TLSSocket & { servername?: string | false }).servername;
    void session.forward(this.routes.route(undefined), undefined, typeof servername === 'string' ? servername : undefined);
  };

  /** A failed handshake is still a connection: it gets its record, without a target. */
  private readonly onTlsClientError = (err: NodeJS.ErrnoException, socket: tls.TLSSocket): void => {
    socket.destroy();
    const { ctx } = this;
    ctx.recorder.record({
      id: ctx.recorder.nextId(),
      kind: 'tls',
      startedAt: Date.now(),
      loadBalancer: ctx.loadBalancer,
      listener: ctx.listenerId,
      client: plainIp(socket.remoteAddress ?? ''),
      bytesIn: socket.bytesRead ?? 0,
      bytesOut: socket.bytesWritten ?? 0,
      durationMs: 0,
      error: err.code === 'ERR_SSL_HANDSHAKE_TIMEOUT' || /timed? ?out/i.test(err.message) ? 'tls-handshake-timeout' : 'tls-handshake-failed',
    });
  };

  private open(socket: net.Socket, ctx: SessionContext): TcpSession {
    const session = new TcpSession(ctx, socket);
    this.sessions.add(session);
    return session;
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of [...this.sessions]) s.terminate('listener-closed');
    for (const socket of [...this.sockets]) socket.destroy();
    await closed;
  }

  private where() {
    return { loadBalancer: this.loadBalancer.name, listener: this.id };
  }
}


function noop(): void {}
