// An application listener (HTTP, or HTTPS when given TLS options): binds its address and port, routes
// each request through the listener's compiled rules, and runs the matched action. Rules change live
// (update) without rebinding; disabling closes the port. One request's failure never escapes it.
import * as http from 'node:http';
import type * as https from 'node:https';
import type { Http2SecureServer, Http2ServerRequest, Http2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Listener, LoadBalancer } from '../../shared/model/index.js';
import { BerthError, listenerBindError } from '../../shared/errors.js';
import { compileRules, hostName, type Explanation, type RuleMatcher, type RuleRequest } from '../../shared/rules/index.js';
import { compileAction, type ActionPlan } from './action-plans.js';
import { isHttp2Request, type ClientRequest, type ClientResponse } from './client-messages.js';
import { writeRawError, type TrafficErrorCode } from './error-responses.js';
import { BerthResponse, Exchange, type ConnectionState, type ExchangeResponse, type ListenerContext } from './exchange.js';
import { addForwardingHeaders } from './forwarding-headers.js';
import { compileConnectionHeaders } from './connection-headers.js';
import { compileHeaderMods } from './header-modification.js';
import type { TargetGroupResolver, TrafficSink } from './listener-dependencies.js';
import { RequestHead } from './request-head.js';
import { createSecureServer } from './secure-server.js';
import { selectTarget } from './target-selection.js';
import { UpstreamPools } from './upstream/index.js';
import { WebSocketProxy, WebSocketSession, type UpgradeRequest } from './websocket-proxy.js';

export interface HttpListenerOptions {
  listener: Listener;
  loadBalancer: LoadBalancer;
  resolveTargetGroup: TargetGroupResolver;
  recorder: TrafficSink;
  /** HTTPS listeners: the TLS server options (`{ SNICallback, key, cert }`). The server then speaks
   * HTTP/2 as well, by ALPN, unless the load balancer's `http2Enabled` is off. */
  tls?: https.ServerOptions;
  /** Time a target has to accept a connection; AWS's 10 s unless a test shortens it. */
  connectTimeoutMs?: number;
  /** How long stop() and setEnabled(false) let requests in flight finish (default 2 s). */
  drainTimeoutMs?: number;
}

interface Routing {
  ctx: ListenerContext;
  matcher: RuleMatcher<ActionPlan>;
}

export class HttpListener {
  readonly id: string;
  private routing: Routing;
  private server: http.Server | Http2SecureServer | undefined;
  private readonly pools: UpstreamPools;
  private readonly websockets: WebSocketProxy;
  private readonly connections = new WeakMap<object, ConnectionState>();
  /** Open client connections, for the idle sweep. */
  private readonly clients = new Set<ConnectionState>();
  private idleSweep: NodeJS.Timeout | undefined;
  private listener: Listener;
  private loadBalancer: LoadBalancer;
  private starting: Promise<void> | undefined;

  constructor(private readonly options: HttpListenerOptions) {
    this.listener = options.listener;
    this.loadBalancer = options.loadBalancer;
    this.id = `${options.listener.port}/${options.listener.protocol}`;
    const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.pools = new UpstreamPools({ connectTimeoutMs });
    this.websockets = new WebSocketProxy(connectTimeoutMs);
    this.routing = this.compile(options.listener, options.loadBalancer);
  }

  /** Which upstream client carries this listener's requests. */
  get upstreamClient(): 'native' | 'undici' {
    return this.pools.client.kind;
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  /** The bound port (the configured one once listening). */
  get port(): number | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address.port : undefined;
  }

  /** A connection accepted on another socket (containers' gateway address) takes the same path as
   * one on the listener's own: rules, certificates, records. */
  accept(socket: Socket): boolean {
    const server = this.server;
    if (!server?.listening) return false;
    server.emit('connection', socket);
    // TLS reads through the socket's handle; plain HTTP reads the stream, paused when accepted.
    if (!this.options.tls) socket.resume();
    return true;
  }

  /** Binds the socket; a port in use or not permitted rejects with LISTENER_BIND_FAILED. */
  start(): Promise<void> {
    if (this.server?.listening) return Promise.resolve();
    // Two callers starting at once share one bind rather than racing for the port.
    this.starting ??= this.bind().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async bind(): Promise<void> {
    const { listener } = this;
    if (listener.protocol === 'HTTPS' && !this.options.tls) {
      throw new BerthError('CERTIFICATE_FAILED', `HTTPS listener ${this.id} has no certificate to serve`, this.where());
    }
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
    this.server = server;
    this.idleSweep = setInterval(this.sweepIdle, IDLE_SWEEP_MS).unref();
  }

  /** Stops accepting, lets requests in flight finish (bounded), closes idle keep-alive sockets. */
  async stop(): Promise<void> {
    await this.closeServer();
    this.pools.close();
  }

  /** Live rule and action changes; address, port and protocol changes need a new listener. */
  update(listener: Listener, loadBalancer: LoadBalancer = this.loadBalancer): void {
    this.listener = listener;
    this.loadBalancer = loadBalancer;
    this.routing = this.compile(listener, loadBalancer);
  }

  /** Disabled, the port refuses connections (the server is closed); enabled, it listens again. */
  async setEnabled(enabled: boolean): Promise<void> {
    if (enabled) await this.start();
    else await this.closeServer();
  }

  /** The route tester's answer, from the rules this listener is running right now. */
  explain(request: RuleRequest): Explanation {
    return this.routing.matcher.explain(request);
  }

  private compile(listener: Listener, lb: LoadBalancer): Routing {
    const ctx: ListenerContext = {
      loadBalancer: lb.name,
      listenerId: this.id,
      policy: {
        port: listener.port,
        portText: String(listener.port),
        proto: listener.protocol === 'HTTPS' ? 'https' : 'http',
        fallbackHost: fallbackHost(listener.address),
        xff: lb.xffHeaderProcessingMode,
        preserveHost: lb.preserveHostHeader,
      },
      idleTimeoutMs: lb.idleTimeoutSeconds * 1000,
      capture: { headers: listener.capture?.headers ?? true, bodyBytes: listener.capture?.bodyBytes ?? 0 },
      recorder: this.options.recorder,
      resolve: this.options.resolveTargetGroup,
      pools: this.pools,
      headerMods: compileHeaderMods(listener.headerModification),
      connectionHeaders: compileConnectionHeaders(listener, lb),
    };
    return { ctx, matcher: compileRules(listener, compileAction) };
  }

  private createServer(): http.Server | Http2SecureServer {
    if (this.options.tls) {
      const secure = createSecureServer(this.options.tls, () => this.loadBalancer.http2Enabled, this.onRequest);
      secure.on('secureConnection', this.onConnection);
      secure.on('session', this.onSession);
      secure.on('upgrade', this.onUpgrade);
      secure.on('connect', this.onConnect);
      secure.on('clientError', this.onClientError);
      // A broken HTTP/2 session or stream concerns that connection only (Node closes it).
      secure.on('sessionError', noop);
      secure.on('streamError', noop);
      secure.on('error', noop);
      return secure;
    }
    const options: http.ServerOptions = {
      ServerResponse: BerthResponse,
      // AWS's idle timeout governs client connections too, enforced by sweepIdle rather than Node's
      // keep-alive timer (which costs two timer changes per request); a request has no total deadline.
      keepAliveTimeout: 0,
      requestTimeout: 0,
    };
    const server = http.createServer(options, this.onRequest);
    server.on('connection', this.onConnection);
    server.on('upgrade', this.onUpgrade);
    server.on('connect', this.onConnect);
    server.on('clientError', this.onClientError);
    // After a successful bind, errors concern single connections and are answered there.
    server.on('error', noop);
    return server;
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (this.idleSweep) clearInterval(this.idleSweep);
    this.idleSweep = undefined;
    this.websockets.closeAll();
    if (!server?.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Connections finishing their last response become idle: close them as they do, until the
    // drain time is up, then cut whatever is left.
    const deadline = Date.now() + (this.options.drainTimeoutMs ?? 2000);
    const drain = server instanceof http.Server ? () => drainHttp(server, deadline) : () => this.drainSecure(deadline);
    drain();
    const sweep = setInterval(drain, 25);
    await closed;
    clearInterval(sweep);
  }

  /** The secure server's connections, HTTP/2 sessions told to finish their streams and go (GOAWAY). */
  private drainSecure(deadline: number): void {
    const late = Date.now() >= deadline;
    for (const c of this.clients) {
      if (late) closeConnection(c);
      else if (c.session) {
        if (!c.session.closed) c.session.close();
      } else if (c.inFlight === 0) closeConnection(c);
    }
  }

  private readonly onRequest = (req: ClientRequest, res: ClientResponse): void => {
    const { ctx, matcher } = this.routing;
    let exchange: Exchange | undefined;
    try {
      const http2 = isHttp2Request(req);
      const head = new RequestHead(req, http2);
      const conn = http2 ? this.sessionState((req as Http2ServerRequest).stream.session!) : this.connection(req.socket as Socket);
      exchange = new Exchange(ctx, req, res as ExchangeResponse, head, conn);
      if (http2 && exchange.method === 'CONNECT') return exchange.fail('METHOD_NOT_ALLOWED', 'CONNECT is not supported: Berth is a load balancer, not a forward proxy');
      if (ctx.headerMods) (res as ExchangeResponse).headerMods = ctx.headerMods;
      const rejected = head.reject(exchange.method);
      if (rejected) return exchange.fail(rejected, head.rejection(rejected), rejected !== 'METHOD_NOT_ALLOWED');
      const rule = matcher.match(exchange);
      exchange.rule = rule;
      const plan = rule.payload;
      if (plan.kind === 'forward') exchange.forward(plan);
      else if (plan.kind === 'fixed-response') plan.send(res);
      else plan.send(res, plan.location({ protocol: ctx.policy.proto, host: hostName(head.routingHost) || ctx.policy.fallbackHost, port: ctx.policy.portText, path: head.path, query: head.query }));
    } catch (err) {
      if (exchange) exchange.fail('INTERNAL', `Berth failed on this request: ${(err as Error).message}`, true);
      else res.destroy();
    }
  };

  private readonly onUpgrade = (req: http.IncomingMessage, duplex: Duplex, headBytes: Buffer): void => {
    const socket = duplex as Socket;
    socket.on('error', noop);
    this.connection(socket).upgraded = true;
    const { ctx, matcher } = this.routing;
    const head = new RequestHead(req);
    const method = req.method ?? 'GET';
    const clientIp = this.connection(socket).clientIp;
    const session = new WebSocketSession({ ctx, socket, method, host: head.routingHost, path: head.path, query: head.query, clientIp, rule: undefined, requestHeaders: ctx.capture.headers ? req.rawHeaders : undefined });
    socket.once('close', () => session.record());
    try {
      const rejected = head.reject(method) ?? (head.upgrade?.toLowerCase() === 'websocket' ? undefined : 'UNSUPPORTED_UPGRADE');
      if (rejected) return session.reject(rejected, head.rejection(rejected));
      const view: RuleRequest = { method, host: head.routingHost, path: head.path, query: head.query, sourceIp: clientIp, headers: req.headersDistinct };
      const rule = matcher.match(view);
      session.start.rule = rule.label;
      const plan = rule.payload;
      if (plan.kind === 'fixed-response') {
        session.status = plan.status;
        socket.end(plan.raw(ctx.headerMods));
        return;
      }
      if (plan.kind === 'redirect') {
        session.status = plan.status;
        socket.end(plan.raw(plan.location({ protocol: ctx.policy.proto, host: hostName(head.routingHost) || ctx.policy.fallbackHost, port: ctx.policy.portText, path: head.path, query: head.query }), ctx.headerMods));
        return;
      }
      const chosen = selectTarget(plan, ctx.resolve, head.cookie, clientIp, session.startedAt);
      session.groupName = chosen.groupName;
      if (!chosen.ok) return session.reject(chosen.code, chosen.detail);
      chosen.group.begin(chosen.target, session);
      session.group = chosen.group;
      session.target = chosen.target;
      session.setCookies = chosen.setCookies;
      session.traceRoot = addForwardingHeaders(head, ctx.policy, clientIp, session.startedAt);
      head.headers.push('connection', 'Upgrade', 'upgrade', head.upgrade!);
      this.websockets.forward(req as UpgradeRequest, headBytes, head.headers, session);
    } catch (err) {
      session.error = 'INTERNAL';
      session.status = writeRawError(socket, 'INTERNAL', `Berth failed on this upgrade: ${(err as Error).message}`, ctx.headerMods);
    }
  };

  /** Malformed requests (Node's parser) get a 400 and the connection is closed. A TLS failure (a
   * handshake that timed out or went wrong) has no HTTP to answer in: a 400 written there would wait
   * for a handshake that never comes and keep the socket open. */
  private readonly onClientError = (err: NodeJS.ErrnoException, socket: Duplex): void => {
    if (err.code === 'ECONNRESET' || !socket.writable || /^ERR_(TLS|SSL)_/.test(err.code ?? '')) {
      socket.destroy();
      return;
    }
    const status = writeRawError(socket, 'BAD_REQUEST', `the request could not be parsed (${err.code ?? err.message}) (listener ${this.id})`, this.routing.ctx.headerMods);
    this.recordRefusal(socket as Socket, status, 'BAD_REQUEST');
  };

  /** CONNECT asks for a tunnel, which a load balancer does not offer: a 405 (Node would close silently). */
  private readonly onConnect = (req: http.IncomingMessage, duplex: Duplex): void => {
    // Over HTTP/2 a CONNECT is a stream with a response like any other request's.
    if (isHttp2Request(req)) return this.onRequest(req, duplex as unknown as ClientResponse);
    const socket = duplex as Socket;
    socket.on('error', noop);
    const status = writeRawError(socket, 'METHOD_NOT_ALLOWED', `CONNECT is not supported: Berth is a load balancer, not a forward proxy (listener ${this.id})`, this.routing.ctx.headerMods);
    this.recordRefusal(socket, status, 'METHOD_NOT_ALLOWED', { method: 'CONNECT', host: req.url ?? '' });
  };

  /** The record of a request refused before it became an exchange. */
  private recordRefusal(socket: Socket, status: number, error: TrafficErrorCode, request: { method?: string; host?: string } = {}): void {
    const { ctx } = this.routing;
    ctx.recorder.record({
      id: ctx.recorder.nextId(),
      kind: 'http',
      startedAt: Date.now(),
      loadBalancer: ctx.loadBalancer,
      listener: ctx.listenerId,
      client: this.connection(socket).clientIp,
      ...request,
      status,
      bytesIn: socket.bytesRead ?? 0,
      bytesOut: socket.bytesWritten ?? 0,
      durationMs: 0,
      error,
    });
  }

  private readonly onConnection = (socket: Socket): void => {
    // HTTP/2 connections are followed as sessions (onSession): their requests know the session.
    if ((socket as Socket & { alpnProtocol?: string | false }).alpnProtocol === 'h2') return;
    const state = this.connection(socket);
    this.clients.add(state);
    socket.once('close', () => this.clients.delete(state));
  };

  /**
   * Closes client connections with nothing in flight for longer than the idle timeout (AWS's idle
   * timeout; an upgraded connection has its own). Decided after this turn's I/O (setImmediate runs
   * after the poll phase, timers before it): when Berth itself could not run for a while (a long GC,
   * a loaded machine), requests sent meanwhile on idle connections are read first, rather than cut
   * with a reset as the client sends them.
   */
  private readonly sweepIdle = (): void => {
    setImmediate(this.closeIdle);
  };

  private readonly closeIdle = (): void => {
    if (!this.server) return;
    const idleSince = performance.now() - this.routing.ctx.idleTimeoutMs;
    for (const c of this.clients) {
      if (c.inFlight === 0 && !c.upgraded && c.lastActive < idleSince) closeConnection(c);
    }
  };

  private readonly onSession = (session: Http2Session): void => {
    const state = this.sessionState(session);
    this.clients.add(state);
    session.once('close', () => this.clients.delete(state));
  };

  /** An HTTP/2 connection's state: its streams count as its requests in flight. */
  private sessionState(session: Http2Session): ConnectionState {
    let state = this.connections.get(session);
    if (!state) {
      state = this.connection(session.socket as Socket, session);
      state.session = session;
    }
    return state;
  }

  private connection(socket: Socket, key: object = socket): ConnectionState {
    let state = this.connections.get(socket);
    if (!state) {
      const address = socket.remoteAddress ?? '';
      state = { socket, read: 0, written: 0, clientIp: address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address, inFlight: 0, lastActive: performance.now(), upgraded: false };
      this.connections.set(key, state);
    }
    return state;
  }

  private where() {
    return { loadBalancer: this.loadBalancer.name, listener: this.id };
  }
}


/** An HTTP/2 connection is closed through its session: its socket refuses direct calls. */
function closeConnection(c: ConnectionState): void {
  if (c.session) c.session.destroy();
  else c.socket.destroy();
}

function drainHttp(server: http.Server, deadline: number): void {
  if (Date.now() >= deadline) server.closeAllConnections();
  else server.closeIdleConnections();
}

/** The Host to send for an HTTP/1.0 request that had none: the listener's own address. */
function fallbackHost(address: string): string {
  if (address === '0.0.0.0' || address === '::') return 'localhost';
  return address.includes(':') ? `[${address}]` : address;
}

// How often idle client connections are looked for: a connection closes within this much after its
// idle timeout.
const IDLE_SWEEP_MS = 250;

function noop(): void {}
