// One HTTP request through a listener: routing view, forwarding (as the upstream client's handler, so
// response bytes go straight to the client without an intermediate stream), error answers, and its
// traffic record. Everything per request lives on this one object: no per-request closures.
import { ServerResponse, type IncomingMessage } from 'node:http';
import { Http2ServerRequest, Http2ServerResponse, type Http2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { Capture } from '../../shared/model/index.js';
import type { RuleRequest, MatchedRule } from '../../shared/rules/index.js';
import { BodyCapture } from '../traffic/body-capture.js';
import { packHeaders, type RecordDetail } from '../traffic/recorder.js';
import type { ActionPlan } from './action-plans.js';
import { distinctHeaders, writeHead, type ClientRequest } from './client-messages.js';
import { grpcStatusIn, sendGrpcError, takeTrailersOnly } from './grpc-errors.js';
import { sendError, upstreamErrorCode, errorStatus, type TrafficErrorCode } from './error-responses.js';
import { addForwardingHeaders, type ForwardingPolicy } from './forwarding-headers.js';
import { dropConnectionOptions, HOP_BY_HOP } from './hop-by-hop.js';
import type { ForwardPlan } from './forward-plan.js';
import type { ForwardTarget, ForwardTargetGroup, InFlightRequest, TargetGroupResolver, TrafficSink } from './listener-dependencies.js';
import type { RequestHead } from './request-head.js';
import { selectTarget } from './target-selection.js';
import type { OwnHeadRecord } from './own-head.js';
import { modifyTargetHead, type ResponseHeaderMods } from './header-modification.js';
import type { ConnectionHeaders } from './connection-headers.js';
import type { TLSSocket } from 'node:tls';
import type { UpstreamFlow, UpstreamHandler, UpstreamPool, UpstreamPools } from './upstream/index.js';

/** What a request needs from its listener; replaced as a whole when the config changes. */
export interface ListenerContext {
  readonly loadBalancer: string;
  readonly listenerId: string;
  readonly policy: ForwardingPolicy;
  readonly idleTimeoutMs: number;
  /** What records keep of headers and bodies (the listener's `capture`, defaults applied). */
  readonly capture: Capture;
  readonly recorder: TrafficSink;
  readonly resolve: TargetGroupResolver;
  readonly pools: UpstreamPools;
  /** The listener's response header modification; undefined when it has none. */
  readonly headerMods: ResponseHeaderMods | undefined;
  /** Headers from the client's TLS connection (version, cipher); undefined when the listener adds none. */
  readonly connectionHeaders: ConnectionHeaders | undefined;
}

/** Per client connection: byte counters at the end of the previous request, the peer address, and
 * what the idle sweep needs (the listener closes connections idle past the idle timeout itself:
 * Node's keep-alive timeout would arm and disarm a timer on every request). */
export interface ConnectionState {
  /** Kept here because `req.socket` is gone by the time a response has closed. */
  readonly socket: Socket;
  read: number;
  written: number;
  clientIp: string;
  /** Requests on the connection not yet answered. */
  inFlight: number;
  /** performance.now() when the last response ended (or the connection opened). */
  lastActive: number;
  /** Upgraded (WebSocket): the WebSocket proxy's own idle timeout governs it now. */
  upgraded: boolean;
  /** An HTTP/2 connection: its session (`socket` is then the session's socket proxy). */
  session?: Http2Session;
}

/** Node builds this instead of a plain ServerResponse, so events can find their exchange. */
export class BerthResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> implements OwnHeadRecord {
  exchange: Exchange | undefined;
  /** The head of an answer Berth wrote itself (error, fixed response, redirect), for the record. */
  ownHeaders: readonly string[] | undefined;
  headerMods: ResponseHeaderMods | undefined;
}

/** The same for a request that came over HTTP/2. */
export class BerthHttp2Response extends Http2ServerResponse implements OwnHeadRecord {
  exchange: Exchange | undefined;
  ownHeaders: readonly string[] | undefined;
  headerMods: ResponseHeaderMods | undefined;
}

export type ExchangeResponse = BerthResponse | BerthHttp2Response;

const CLIENT_CLOSED = Object.assign(new Error('the client closed the connection'), { code: 'CLIENT_CLOSED' });
const DEREGISTERED = Object.assign(new Error('the deregistration delay ended'), { code: 'TARGET_DEREGISTERED' });

function onResponseClose(this: ExchangeResponse): void {
  this.exchange?.closed();
}
function onResponseDrain(this: ExchangeResponse): void {
  this.exchange?.drained();
}

export class Exchange implements RuleRequest, UpstreamHandler, InFlightRequest {
  readonly startedAt = Date.now();
  private readonly t0 = performance.now();
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly query: string;
  readonly sourceIp: string;
  rule: MatchedRule<ActionPlan> | undefined;
  private groupName: string | undefined;
  private group: ForwardTargetGroup | undefined;
  private target: ForwardTarget | undefined;
  private setCookies: string[] | undefined;
  private traceRoot: string | undefined;
  private error: TrafficErrorCode | undefined;
  private connectMs: number | undefined;
  private firstByteMs: number | undefined;
  private upstream: UpstreamPool | undefined;
  upstreamConnection: UpstreamFlow | undefined;
  private upstreamDone = false;
  private clientGone = false;
  private responseHeaders: string[] | undefined;
  private requestBody: BodyCapture | undefined;
  private responseBody: BodyCapture | undefined;
  /** HTTP/2 streams share their connection's byte counters: these bodies' bytes are counted instead. */
  private readonly http2: boolean;
  private bodyIn = 0;
  private bodyOut = 0;
  /** gRPC: the status the client got, and for Berth's own gRPC-shaped errors the HTTP status AWS would send. */
  private grpcStatus: number | undefined;
  private httpStatus: number | undefined;
  private trailers: string[] | undefined;

  constructor(
    private readonly ctx: ListenerContext,
    private readonly req: ClientRequest,
    private readonly res: ExchangeResponse,
    readonly head: RequestHead,
    private readonly conn: ConnectionState,
  ) {
    this.http2 = req instanceof Http2ServerRequest;
    this.method = req.method ?? 'GET';
    this.host = head.routingHost;
    this.path = head.path;
    this.query = head.query;
    this.sourceIp = conn.clientIp;
    conn.inFlight++;
    res.exchange = this;
    // `on`, not `once`: the response is used once anyway, and once() allocates a wrapper per call.
    res.on('close', onResponseClose);
  }

  /** Rules on http-header read repeated headers separately and in order; built only if asked. */
  get headers(): Record<string, string[] | undefined> {
    return distinctHeaders(this.req);
  }

  /** Answers with a Berth error; `close` ends the connection when the request framing is in doubt. */
  fail(code: TrafficErrorCode, detail: string, close = false): void {
    this.error = code;
    if (this.grpcShaped(code)) return this.failGrpc(code, `${detail} (${this.where()})`);
    sendError(this.res, code, `${detail} (${this.where()})`, close);
  }

  /** A gRPC client over HTTP/2 gets Berth's errors as gRPC statuses; 464 stays AWS's HTTP answer. */
  private grpcShaped(code: TrafficErrorCode): boolean {
    return this.http2 && this.head.grpc && code !== 'INCOMPATIBLE_PROTOCOL';
  }

  private failGrpc(code: TrafficErrorCode, detail: string): void {
    this.httpStatus = errorStatus(code);
    this.grpcStatus = sendGrpcError(this.res as BerthHttp2Response, code, detail);
  }

  forward(plan: ForwardPlan): void {
    const ctx = this.ctx;
    const chosen = selectTarget(plan, ctx.resolve, this.head.cookie, this.sourceIp, this.startedAt);
    this.groupName = chosen.groupName;
    if (!chosen.ok) return this.fail(chosen.code, chosen.detail);
    const version = chosen.group.config.protocolVersion ?? 'HTTP1';
    const mismatch = incompatible(version, this.http2, this.head.grpc, this.method, chosen.groupName);
    if (mismatch) return this.fail('INCOMPATIBLE_PROTOCOL', mismatch);
    this.group = chosen.group;
    this.target = chosen.target;
    this.setCookies = chosen.setCookies;
    chosen.group.begin(chosen.target, this);
    this.traceRoot = addForwardingHeaders(this.head, ctx.policy, this.sourceIp, this.startedAt);
    if (ctx.connectionHeaders) ctx.connectionHeaders(this.conn.socket as TLSSocket, this.head.headers);
    const pool = (this.upstream = ctx.pools.get(chosen.target, chosen.group.config.protocol === 'HTTPS', version !== 'HTTP1'));
    if (this.head.hasBody && (ctx.capture.bodyBytes > 0 || this.http2)) this.tapRequestBody(ctx.capture.bodyBytes);
    try {
      pool.dispatch(this, this.method, this.head.target, this.head.headers, this.head.hasBody ? this.req : null, ctx.idleTimeoutMs);
    } catch (err) {
      // A connection that cannot even be started (a target port out of range, say) is this request's
      // 502, and the target's in-flight count ends with it.
      this.onUpstreamError(err as Error);
    }
  }

  // ---- the upstream client's handler ----

  onUpstreamConnect(): void {
    this.connectMs = performance.now() - this.t0;
  }

  onUpstreamHeaders(statusCode: number, statusText: string, rawHeaders: string[]): void {
    // 1xx answers never get here: Berth already answered `Expect: 100-continue` itself.
    this.firstByteMs = performance.now() - this.t0;
    // The parser's list is this response's own: hop-by-hop fields are squeezed out in place.
    const out = rawHeaders;
    let kept = 0;
    let targetCookies: string[] | undefined;
    let connection: string | undefined;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!;
      const value = rawHeaders[i + 1]!;
      const n = name.length;
      // Only the hop-by-hop names' lengths (2, 7, 10, 17) and proxy-* need a closer look.
      if (n === 2 || n === 7 || n === 10 || n === 17 || (n > 6 && (name.charCodeAt(0) | 32) === 112)) {
        const lower = name.toLowerCase();
        if (HOP_BY_HOP.has(lower) || lower.startsWith('proxy-')) {
          if (lower === 'connection') connection = connection === undefined ? value : `${connection},${value}`;
          continue;
        }
        if (lower === 'set-cookie') (targetCookies ??= []).push(value);
      }
      out[kept++] = name;
      out[kept++] = value;
    }
    out.length = kept;
    // Only a response with a Connection header pays for the fields it names.
    if (connection !== undefined) dropConnectionOptions(out, connection);
    const cookies = this.group?.responseCookies(this.target!, targetCookies);
    if (cookies) for (const c of cookies) out.push('set-cookie', c);
    // A trailers-only gRPC answer has its status among the headers: it goes on as trailers.
    if (this.head.grpc && this.http2) {
      const trailers = takeTrailersOnly(out);
      if (trailers) {
        this.trailers = trailers;
        this.grpcStatus = grpcStatusIn(trailers);
      }
    }
    const own = this.setCookies!;
    for (let i = 0; i < own.length; i++) out.push('set-cookie', own[i]!);
    if (this.ctx.headerMods) modifyTargetHead(out, this.ctx.headerMods);
    writeHead(this.res, statusCode, out, statusText);
    // Kept as sent (the same list, no copy); turned into an object only when someone reads it.
    if (this.ctx.capture.headers) this.responseHeaders = out;
    if (this.ctx.capture.bodyBytes > 0) this.responseBody = new BodyCapture(this.ctx.capture.bodyBytes);
  }

  onUpstreamData(chunk: Buffer): boolean {
    this.responseBody?.add(chunk);
    this.bodyOut += chunk.length;
    if ((this.res as ServerResponse).write(chunk)) return true;
    this.res.once('drain', onResponseDrain);
    return false;
  }

  onUpstreamTrailers(trailers: string[]): void {
    this.trailers = trailers;
    if (this.head.grpc) this.grpcStatus = grpcStatusIn(trailers) ?? this.grpcStatus;
  }

  onUpstreamComplete(): void {
    this.upstreamDone = true;
    this.release();
    const trailers = this.trailers;
    // HTTP/2 carries trailers on any response; HTTP/1.1 would need chunked framing decided earlier.
    if (trailers !== undefined && this.http2) this.res.addTrailers(trailerObject(trailers));
    this.res.end();
  }

  onUpstreamError(err: Error): void {
    this.upstreamDone = true;
    this.release();
    if (this.clientGone) return;
    const code = upstreamErrorCode(err);
    this.error = code;
    if (this.grpcShaped(code)) return this.failGrpc(code, `${describeUpstream(code, this.target!, this.groupName!, this.ctx.idleTimeoutMs, err)} (${this.where()})`);
    if (this.res.headersSent) {
      // Mid-body there is no status left to change: cut the client off as AWS does.
      this.res.destroy();
      return;
    }
    sendError(this.res, code, `${describeUpstream(code, this.target!, this.groupName!, this.ctx.idleTimeoutMs, err)} (${this.where()})`);
  }

  /** The target's deregistration delay ended first: AWS cuts the request (502, or a closed connection mid-response). */
  deregistered(): void {
    if (this.upstreamDone) return;
    this.upstream?.abort(this, DEREGISTERED);
  }

  drained(): void {
    this.upstreamConnection?.resume();
  }

  /** The response closed: finished, or the client went away (then the upstream request goes too). */
  closed(): void {
    if (!this.res.writableFinished) {
      this.clientGone = true;
      if (!this.upstreamDone && this.upstream) {
        this.upstreamDone = true;
        this.upstream.abort(this, CLIENT_CLOSED);
        this.release();
      }
      this.error ??= 'CLIENT_CLOSED';
    }
    this.res.exchange = undefined;
    const conn = this.conn;
    conn.inFlight--;
    conn.lastActive = performance.now();
    try {
      this.record();
    } catch {
      // A failing recorder must not take the listener down; the request itself is complete.
    }
  }

  /** Sees the request body's chunks as the upstream client reads them: paused first, so adding a
   * 'data' listener does not start the flow before the client takes the stream (it resumes it). */
  private tapRequestBody(limit: number): void {
    const capture = limit > 0 ? (this.requestBody = new BodyCapture(limit)) : undefined;
    this.req.pause();
    this.req.on('data', (chunk: Buffer) => {
      capture?.add(chunk);
      this.bodyIn += chunk.length;
    });
  }

  private detail(): RecordDetail | undefined {
    const capture = this.ctx.capture;
    if (!capture.headers && !this.requestBody && !this.responseBody) return undefined;
    const response = capture.headers ? (this.responseHeaders ?? this.res.ownHeaders) : undefined;
    return {
      requestHeaders: capture.headers ? packHeaders(this.req.rawHeaders) : undefined,
      responseHeaders: response === undefined ? undefined : packHeaders(response),
      requestBody: this.requestBody?.result(),
      responseBody: this.responseBody?.result(),
    };
  }

  /** Ends the target's in-flight count exactly once, whichever of completion, error or close is first. */
  private release(): void {
    const group = this.group;
    this.group = undefined;
    if (group && this.target) group.end(this.target, this);
  }

  private where(): string {
    const parts = [`listener ${this.ctx.listenerId}`];
    if (this.rule) parts.push(`rule ${this.rule.label}`);
    if (this.target) parts.push(`target ${this.target.id}`);
    return parts.join(', ');
  }

  private record(): void {
    const conn = this.conn;
    const socket = conn.socket;
    const http2 = this.http2;
    const read = http2 ? conn.read + this.bodyIn + headerBytes(this.req.rawHeaders) : socket.bytesRead;
    const written = http2 ? conn.written + this.bodyOut + (this.responseHeaders ? headerBytes(this.responseHeaders) : 0) : socket.bytesWritten;
    const ctx = this.ctx;
    ctx.recorder.record({
      id: ctx.recorder.nextId(),
      kind: 'http',
      startedAt: this.startedAt,
      loadBalancer: ctx.loadBalancer,
      listener: ctx.listenerId,
      rule: this.rule?.label,
      targetGroup: this.groupName,
      target: this.target?.id,
      client: this.sourceIp,
      method: this.method,
      protocol: http2 ? 'HTTP/2.0' : this.req.httpVersion === '1.1' ? 'HTTP/1.1' : `HTTP/${this.req.httpVersion}`,
      host: this.host,
      path: this.path,
      query: this.query || undefined,
      status: this.httpStatus ?? (this.clientGone && !this.res.headersSent ? errorStatus('CLIENT_CLOSED') : this.res.statusCode),
      grpcStatus: this.grpcStatus,
      // Bytes on the connection since the previous request ended (headers included, like AWS's logs).
      bytesIn: read - conn.read,
      bytesOut: written - conn.written,
      // Set by closed() a moment ago: the response's end.
      durationMs: conn.lastActive - this.t0,
      connectMs: this.connectMs,
      firstByteMs: this.firstByteMs,
      error: this.error,
      traceId: this.traceRoot,
    }, this.detail());
    if (http2) return;
    conn.read = read;
    conn.written = written;
  }
}

/** Why a request may not go to a group of this protocol version (elbv2-model.md 4.1), or undefined. */
function incompatible(version: string, http2: boolean, grpc: boolean, method: string, group: string): string | undefined {
  if (version === 'HTTP1') return grpc ? `a gRPC request cannot go to the HTTP1 target group "${group}"` : undefined;
  if (!http2) return `an HTTP/1.1 request cannot go to the ${version} target group "${group}": it takes HTTP/2 requests only`;
  if (version === 'GRPC' && method !== 'POST') return `the GRPC target group "${group}" takes only POST requests, not ${method}`;
  return undefined;
}

function trailerObject(flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i]!] = out[flat[i]!] === undefined ? flat[i + 1]! : `${out[flat[i]!]}, ${flat[i + 1]!}`;
  return out;
}

/** An HTTP/2 stream's header block, uncompressed (HPACK makes the wire size smaller and unknowable here). */
function headerBytes(flat: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < flat.length; i++) n += flat[i]!.length;
  return n + 2 * flat.length;
}

function describeUpstream(code: TrafficErrorCode, target: ForwardTarget, group: string, idleMs: number, err: Error): string {
  const who = `target ${target.id} (${target.host}:${target.port}) of target group "${group}"`;
  switch (code) {
    case 'TARGET_CONNECTION_REFUSED':
      return `${who} refused the connection`;
    case 'TARGET_CONNECTION_RESET':
      return `${who} closed the connection before it answered`;
    case 'TARGET_CONNECT_TIMEOUT':
      return `${who} did not accept a connection in time`;
    case 'TARGET_TIMEOUT':
      return `${who} sent no response within the idle timeout (${idleMs / 1000} s)`;
    case 'TARGET_INVALID_RESPONSE':
      return `${who} sent a malformed response`;
    case 'TARGET_TLS_ERROR':
      return `the TLS handshake with ${who} failed`;
    case 'TARGET_DEREGISTERED':
      return `${who} was deregistered and its deregistration delay ended before it answered`;
    default:
      return `${who} could not be reached: ${err.message}`;
  }
}
