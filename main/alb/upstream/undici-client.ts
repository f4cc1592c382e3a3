// The upstream client on a public API: undici's Pool and its dispatch(), behind the same UpstreamHandler
// as the native client. Used when Node's parser binding is missing or has changed shape, or when
// BERTH_UPSTREAM_CLIENT=undici asks for it. The same semantics: the path sent verbatim, keep-alive with
// the target's `Keep-Alive: timeout` hint, backpressure through pause/resume, the same error codes
// (so the same 502/504 answers), abort, and one retry of a bodiless idempotent request whose
// connection was lost before any byte of the answer.
import * as net from 'node:net';
import type { Readable } from 'node:stream';
import { Pool, type Dispatcher } from 'undici';
import { upstreamError, type UpstreamFlow, type UpstreamHandler, type UpstreamPool, type UpstreamPoolOptions } from './upstream-handler.js';

// The native client's numbers (native-connection.ts): a 4 s default, hints trusted up to 10 minutes
// minus a second, and AWS's 32 KB response-head limit.
const DEFAULT_KEEP_ALIVE_MS = 4_000;
const MAX_KEEP_ALIVE_MS = 600_000;
const HINT_MARGIN_MS = 1_000;
const MAX_HEADER_SIZE = 32 * 1024;

// Requests a client may repeat without changing what they do (RFC 9110 9.2.2).
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

const stopping = () => upstreamError('the listener is stopping', 'UPSTREAM_CLOSED');

/** The connections to one target, through an undici Pool. */
export class UndiciPool implements UpstreamPool {
  private pool: Pool | undefined;
  private readonly live = new Set<UndiciRequest>();
  private closed = false;
  usedAt = 0;

  constructor(readonly options: UpstreamPoolOptions) {}

  dispatch(handler: UpstreamHandler, method: string, path: string, headers: readonly string[], body: Readable | null, timeoutMs: number): void {
    if (this.closed) return handler.onUpstreamError(stopping());
    this.usedAt = performance.now();
    // Built on first use, so that a target undici refuses (a port out of range) throws here, like the
    // native client's connect does, and fails this request rather than the pool's creation.
    this.pool ??= this.createPool();
    const request = new UndiciRequest(this, handler, { method, path, headers: headers as string[], body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    this.live.add(request);
    request.send(this.pool);
  }

  abort(handler: UpstreamHandler, err: Error): void {
    // Only this client sets a request's flow to one of its requests.
    (handler.upstreamConnection as UndiciRequest | undefined)?.abort(err);
  }

  sweep(): boolean {
    // undici closes idle connections itself; the pool is empty once nothing is connected or in flight.
    return this.live.size === 0 && (this.pool === undefined || this.pool.stats.connected === 0);
  }

  close(): void {
    this.closed = true;
    for (const request of [...this.live]) request.abort(stopping());
    void this.pool?.destroy();
  }

  /** The request is over, one way or the other. */
  ended(request: UndiciRequest): void {
    this.live.delete(request);
  }

  private createPool(): Pool {
    const o = this.options;
    const host = net.isIPv6(o.host) ? `[${o.host}]` : o.host;
    return new Pool(`${o.tls ? 'https' : 'http'}://${host}:${o.port}`, {
      connections: o.maxConnections,
      pipelining: 1,
      keepAliveTimeout: DEFAULT_KEEP_ALIVE_MS,
      keepAliveMaxTimeout: MAX_KEEP_ALIVE_MS,
      keepAliveTimeoutThreshold: HINT_MARGIN_MS,
      maxHeaderSize: MAX_HEADER_SIZE,
      // AWS does not verify target certificates (self-signed and expired are accepted).
      connect: { timeout: o.connectTimeoutMs, rejectUnauthorized: false },
    });
  }
}

/** One request: undici's handler for it, and the flow its UpstreamHandler pauses and resumes. */
class UndiciRequest implements Dispatcher.DispatchHandler, UpstreamFlow {
  private controller: Dispatcher.DispatchController | undefined;
  private pool: Pool | undefined;
  private done = false;
  private responding = false;
  private attempt = 0;
  /** Set when the request was ended before undici reached it; undici's start then cancels it. */
  private cancelled: Error | undefined;

  constructor(
    private readonly owner: UndiciPool,
    private readonly handler: UpstreamHandler,
    private readonly options: Dispatcher.DispatchOptions,
  ) {
    handler.upstreamConnection = this;
  }

  send(pool: Pool): void {
    this.pool = pool;
    pool.dispatch(this.options, this);
  }

  resume(): void {
    this.controller?.resume();
  }

  abort(err: Error): void {
    // Finished first, so that undici's own report of the abort finds the request over.
    const handler = this.finish();
    if (handler === undefined) return;
    if (this.controller) this.controller.abort(err);
    else this.cancelled = err;
    // The handler hears of it at once, whether or not undici has started the request.
    handler.onUpstreamError(err);
  }

  // ---- undici's handler ----

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.cancelled) return controller.abort(this.cancelled);
    this.controller = controller;
    this.responding = false;
    if (!this.done) this.handler.onUpstreamConnect();
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>, statusText?: string): void {
    // 1xx answers are not passed on; the final response follows on the same request.
    if (this.done || statusCode < 200) return;
    this.responding = true;
    try {
      this.handler.onUpstreamHeaders(statusCode, statusText ?? '', rawHeaders(controller.rawHeaders, headers));
    } catch (err) {
      // Node refuses to send what the target sent (a header value it would not write, say).
      controller.abort(Object.assign(err as Error, { code: 'UPSTREAM_INVALID_RESPONSE' }));
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.done && !this.handler.onUpstreamData(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.finish()?.onUpstreamComplete();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    if (this.done) return;
    const o = this.options;
    if (!this.responding && this.controller !== undefined && o.body === null && this.attempt === 0 && IDEMPOTENT.has(o.method) && isConnectionLoss(err)) {
      // The keep-alive race: the target closed the connection just as the request went out.
      this.attempt = 1;
      this.controller = undefined;
      return this.send(this.pool!);
    }
    this.finish()?.onUpstreamError(translate(err, this.owner.options.connectTimeoutMs));
  }

  private finish(): UpstreamHandler | undefined {
    if (this.done) return undefined;
    this.done = true;
    this.owner.ended(this);
    const handler = this.handler;
    if (handler.upstreamConnection === this) handler.upstreamConnection = undefined;
    return handler;
  }
}

/** The response head as a flat [name, value, …] list of strings, original case and order kept. */
function rawHeaders(raw: Dispatcher.DispatchController['rawHeaders'], parsed: Record<string, string | string[] | undefined>): string[] {
  const out: string[] = [];
  if (Array.isArray(raw)) {
    for (let i = 0; i < raw.length; i++) {
      const item = raw[i]!;
      out.push(typeof item === 'string' ? item : item.toString('latin1'));
    }
    return out;
  }
  // An undici without the raw list: the parsed one, names lower-cased.
  for (const [name, value] of Object.entries(raw && typeof raw === 'object' ? raw : parsed)) {
    if (Array.isArray(value)) for (const v of value) out.push(name, v);
    else if (value !== undefined) out.push(name, value);
  }
  return out;
}

function isConnectionLoss(err: Error): boolean {
  const code = (err as { code?: string }).code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE';
}

/** undici's error codes in the native client's terms (upstream-handler.ts), which the error answers map. */
function translate(err: Error, connectTimeoutMs: number): Error {
  const code = (err as { code?: string }).code;
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return upstreamError(`no connection within ${connectTimeoutMs} ms`, 'ECONNECT_TIMEOUT');
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return upstreamError(`the target sent nothing in time (${err.message})`, 'UPSTREAM_TIMEOUT');
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_DESTROYED':
      return upstreamError(`the connection to the target closed before the response was complete (${err.message})`, 'UPSTREAM_CLOSED');
    case 'UND_ERR_HEADERS_OVERFLOW':
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
    case 'UND_ERR_RES_EXCEEDED_MAX_SIZE':
      return upstreamError(`the target's response could not be parsed (${err.message})`, 'UPSTREAM_INVALID_RESPONSE');
    case 'UND_ERR_ABORTED':
    case 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH':
      return upstreamError('the client closed the connection before its request body was complete', 'CLIENT_CLOSED');
    default:
      return err;
  }
}
