// WebSocket upgrades (elbv2-model.md 1.4, 5.4): routed by the listener's rules once, then proxied by
// http-proxy-3 and pinned to the target that answered 101; the listener's idle timeout applies to
// the upgraded connection. One traffic record (kind `websocket`) per connection, written at close.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { ClientRequest } from 'node:http';
import { createProxyServer, type ProxyServer } from 'http-proxy-3';
import { errorStatus, upstreamErrorCode, writeRawError, type TrafficErrorCode } from './error-responses.js';
import type { ListenerContext } from './exchange.js';
import type { ForwardTarget, ForwardTargetGroup, InFlightRequest } from './listener-dependencies.js';

/** Node builds this instead of a plain IncomingMessage, so proxy events can find their session. */
export interface UpgradeRequest extends IncomingMessage {
  berthSession?: WebSocketSession;
}

export interface SessionStart {
  ctx: ListenerContext;
  /** Node types the upgrade socket as a Duplex; it is the connection's net.Socket (or TLSSocket). */
  socket: Socket;
  method: string;
  host: string;
  path: string;
  query: string;
  clientIp: string;
  rule: string | undefined;
  /** The upgrade request's headers as received, when the listener captures headers. */
  requestHeaders: readonly string[] | undefined;
}

export class WebSocketSession implements InFlightRequest {
  readonly startedAt = Date.now();
  private readonly t0 = performance.now();
  status: number | undefined;
  error: TrafficErrorCode | undefined;
  groupName: string | undefined;
  group: ForwardTargetGroup | undefined;
  target: ForwardTarget | undefined;
  setCookies: string[] = [];
  traceRoot: string | undefined;
  /** The target's 101 (or refusal) headers, when the listener captures headers. */
  responseHeaders: readonly string[] | undefined;
  private recorded = false;

  constructor(readonly start: SessionStart) {}

  /** Answers a request that will never reach a target, raw on the socket, then closes it. */
  reject(code: TrafficErrorCode, detail: string): void {
    this.error = code;
    this.status = writeRawError(this.start.socket, code, `${detail} (listener ${this.start.ctx.listenerId}${this.start.rule ? `, rule ${this.start.rule}` : ''})`, this.start.ctx.headerMods);
    this.start.socket.destroySoon();
  }

  /** The target's deregistration delay ended with the connection open: AWS closes it. */
  deregistered(): void {
    const { socket } = this.start;
    if (this.recorded || socket.destroyed) return;
    this.error = 'TARGET_DEREGISTERED';
    if (this.status !== undefined) return void socket.destroy();
    this.status = writeRawError(socket, 'TARGET_DEREGISTERED', `target ${this.target?.id} of target group "${this.groupName}" was deregistered and its deregistration delay ended before it answered the upgrade (listener ${this.start.ctx.listenerId})`);
    socket.destroySoon();
  }

  record(): void {
    if (this.recorded) return;
    this.recorded = true;
    if (this.target) this.group!.end(this.target, this);
    const { ctx, socket } = this.start;
    ctx.recorder.record({
      id: ctx.recorder.nextId(),
      kind: 'websocket',
      startedAt: this.startedAt,
      loadBalancer: ctx.loadBalancer,
      listener: ctx.listenerId,
      rule: this.start.rule,
      targetGroup: this.groupName,
      target: this.target?.id,
      client: this.start.clientIp,
      method: this.start.method,
      host: this.start.host,
      path: this.start.path,
      query: this.start.query || undefined,
      status: this.status ?? errorStatus('CLIENT_CLOSED'),
      bytesIn: socket.bytesRead,
      bytesOut: socket.bytesWritten,
      durationMs: performance.now() - this.t0,
      error: this.error,
      traceId: this.traceRoot,
    }, this.start.requestHeaders || this.responseHeaders ? { requestHeaders: this.start.requestHeaders, responseHeaders: this.responseHeaders } : undefined);
  }
}

export class WebSocketProxy {
  private readonly proxy: ProxyServer;
  private readonly sockets = new Set<Socket>();

  constructor(connectTimeoutMs: number) {
    this.proxy = createProxyServer({ ws: true, xfwd: false, secure: false, connectTimeout: connectTimeoutMs });
    this.proxy.on('proxyReqWs', onProxyRequest);
    // Errors also reach each call's callback; this keeps an unforeseen one from crashing the process.
    this.proxy.on('error', noop);
  }

  /** Forwards the upgrade with `headers` (Berth's policy already applied) to the session's target. */
  forward(req: UpgradeRequest, head: Buffer, headers: string[], session: WebSocketSession): void {
    const { socket } = session.start;
    const target = session.target!;
    req.berthSession = session;
    req.headers = toHeaderObject(headers);
    this.sockets.add(socket);
    socket.once('close', () => {
      this.sockets.delete(socket);
      session.record();
    });
    socket.once('timeout', () => socket.destroy());
    this.proxy.ws(
      req,
      socket,
      head,
      { target: { host: target.host, port: target.port, protocol: session.group!.config.protocol === 'HTTPS' ? 'https:' : 'http:' } },
      (err: Error) => {
        if (session.status !== undefined) {
          session.error ??= upstreamErrorCode(err);
          return;
        }
        const code = upstreamErrorCode(err);
        session.error = code;
        session.status = writeRawError(socket, code, `target ${target.id} of target group "${session.groupName}": ${err.message} (listener ${session.start.ctx.listenerId})`);
      },
    );
  }

  /** Ends every upgraded connection (listener stop or disable). */
  closeAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}

function onProxyRequest(proxyReq: ClientRequest, req: IncomingMessage): void {
  const session = (req as UpgradeRequest).berthSession;
  if (!session) return;
  // Registered before http-proxy-3's own listener, so the 101 it relays carries Berth's cookies.
  proxyReq.once('upgrade', (proxyRes: IncomingMessage) => {
    session.status = 101;
    // The idle timeout applies to the upgraded connection; set here because http-proxy-3 clears
    // the socket's timeout when it takes the request. Writes count as activity, so one timer on
    // the client socket sees both directions.
    session.start.socket.setTimeout(session.start.ctx.idleTimeoutMs);
    if (session.setCookies.length > 0) {
      const existing = proxyRes.headers['set-cookie'] ?? [];
      proxyRes.headers['set-cookie'] = [...existing, ...session.setCookies];
    }
    // What http-proxy-3 relays to the client: the object, with Berth's cookies in it.
    if (session.start.ctx.capture.headers) session.responseHeaders = Object.entries(proxyRes.headers).flatMap(([name, v]) => (Array.isArray(v) ? v : [v ?? '']).flatMap((value) => [name, value]));
  });
  proxyReq.once('response', (proxyRes: IncomingMessage) => {
    session.status = proxyRes.statusCode;
    if (session.start.ctx.capture.headers) session.responseHeaders = proxyRes.rawHeaders;
  });
}

function toHeaderObject(flat: string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i]!.toLowerCase();
    const value = flat[i + 1]!;
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

function noop(): void {}
