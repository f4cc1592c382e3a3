// Berth's HTTP/2 client to targets of HTTP2 and GRPC target groups (elbv2-model.md 4.1): one session
// per target carrying many streams, over TLS for HTTPS groups (certificates not verified, as on AWS)
// and over cleartext h2 with prior knowledge for HTTP groups (Berth's local allowance: local gRPC
// servers run without TLS). A session that dies is replaced by the next request. Flow control is
// HTTP/2's own both ways: the request body is piped (paused while the stream's window is full), the
// response pauses when the client cannot take more. Trailers pass both ways (gRPC needs them).
import http2 from 'node:http2';
import type { Readable } from 'node:stream';
import { upstreamError, type UpstreamFlow, type UpstreamHandler, type UpstreamPool, type UpstreamPoolOptions } from './upstream-handler.js';

const { NGHTTP2_CANCEL, NGHTTP2_NO_ERROR, NGHTTP2_REFUSED_STREAM } = http2.constants;

/** Request headers HTTP/2 forbids (RFC 9113 8.2.2); `te` goes on only as `trailers`. */
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'host', 'http2-settings']);

/** One request on a stream: what the handler's `upstreamConnection` points at while it runs. */
class Http2Exchange implements UpstreamFlow {
  done = false;
  stream: http2.ClientHttp2Stream | undefined;

  constructor(
    readonly handler: UpstreamHandler,
    readonly body: Readable | null,
  ) {}

  resume(): void {
    this.stream?.resume();
  }

  fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    this.handler.upstreamConnection = undefined;
    this.body?.unpipe();
    this.handler.onUpstreamError(err);
  }

  complete(): void {
    if (this.done) return;
    this.done = true;
    this.handler.upstreamConnection = undefined;
    this.handler.onUpstreamComplete();
  }
}

export class Http2Pool implements UpstreamPool {
  usedAt = 0;
  private session: http2.ClientHttp2Session | undefined;
  private connected = false;
  private connectTimer: NodeJS.Timeout | undefined;
  /** Requests waiting for the session to connect, with what starts them. */
  private readonly pending = new Map<Http2Exchange, () => void>();
  private readonly active = new Set<Http2Exchange>();
  private closed = false;

  constructor(readonly options: UpstreamPoolOptions) {}

  dispatch(handler: UpstreamHandler, method: string, path: string, headers: readonly string[], body: Readable | null, timeoutMs: number): void {
    const exchange = new Http2Exchange(handler, body);
    handler.upstreamConnection = exchange;
    if (this.closed) return exchange.fail(upstreamError('the listener is stopping', 'UPSTREAM_CLOSED'));
    this.usedAt = performance.now();
    const session = this.usableSession();
    const start = () => {
      handler.onUpstreamConnect();
      this.start(session, exchange, method, path, headers, timeoutMs);
    };
    if (this.connected) start();
    else this.pending.set(exchange, start);
  }

  abort(handler: UpstreamHandler, err: Error): void {
    const exchange = handler.upstreamConnection as Http2Exchange | undefined;
    if (!exchange || !(exchange instanceof Http2Exchange)) return;
    this.pending.delete(exchange);
    exchange.stream?.close(NGHTTP2_CANCEL);
    exchange.fail(err);
  }

  sweep(): boolean {
    if (this.session && this.active.size === 0 && this.pending.size === 0 && performance.now() - this.usedAt > IDLE_SESSION_MS) {
      this.session.close();
      this.session = undefined;
    }
    return this.session === undefined;
  }

  close(): void {
    this.closed = true;
    const err = upstreamError('the listener is stopping', 'UPSTREAM_CLOSED');
    for (const e of [...this.pending.keys(), ...this.active]) {
      e.stream?.close(NGHTTP2_CANCEL);
      e.fail(err);
    }
    this.pending.clear();
    this.active.clear();
    this.session?.destroy();
    this.session = undefined;
  }

  /** The current session, or a new one when there is none or it is going away. */
  private usableSession(): http2.ClientHttp2Session {
    const current = this.session;
    if (current && !current.closed && !current.destroyed) return current;
    const { host, port, tls, connectTimeoutMs } = this.options;
    const authority = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const session = http2.connect(authority, tls ? { rejectUnauthorized: false, ALPNProtocols: ['h2'] } : {});
    this.session = session;
    this.connected = false;
    this.connectTimer = setTimeout(() => session.destroy(upstreamError(`no connection within ${connectTimeoutMs} ms`, 'ECONNECT_TIMEOUT')), connectTimeoutMs);
    session.once('connect', () => {
      clearTimeout(this.connectTimer);
      if (this.session !== session) return;
      this.connected = true;
      const waiting = [...this.pending.values()];
      this.pending.clear();
      for (const start of waiting) start();
    });
    // Told to go away, the session finishes its streams; new requests get a new session.
    session.once('goaway', () => this.forget(session));
    session.once('close', () => {
      clearTimeout(this.connectTimer);
      this.forget(session);
    });
    session.on('error', (err: Error) => {
      // Requests still waiting for this session get its error (refused, timed out, TLS); streams
      // already open end by their own 'close' with what the session's end did to them.
      if (this.session === session) this.failPending(err);
    });
    return session;
  }

  private forget(session: http2.ClientHttp2Session): void {
    if (this.session !== session) return;
    this.session = undefined;
    this.connected = false;
    this.failPending(upstreamError('the target closed the HTTP/2 connection', 'UPSTREAM_CLOSED'));
  }

  private failPending(err: Error): void {
    const waiting = [...this.pending.keys()];
    this.pending.clear();
    for (const e of waiting) e.fail(err);
  }

  private start(session: http2.ClientHttp2Session, exchange: Http2Exchange, method: string, path: string, headers: readonly string[], timeoutMs: number): void {
    const out: http2.OutgoingHttpHeaders = { ':method': method, ':path': path, ':scheme': this.options.tls ? 'https' : 'http' };
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i]!.toLowerCase();
      const value = headers[i + 1]!;
      if (name === 'host') out[':authority'] = value;
      else if (name === 'te') {
        if (value.toLowerCase().includes('trailers')) out.te = 'trailers';
      } else if (!CONNECTION_SPECIFIC.has(name)) {
        const prior = out[name];
        out[name] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [String(prior), value];
      }
    }
    const body = exchange.body;
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.request(out, { endStream: body === null, waitForTrailers: body !== null });
    } catch (err) {
      return exchange.fail(err as Error);
    }
    exchange.stream = stream;
    this.active.add(exchange);
    const handler = exchange.handler;
    stream.setTimeout(timeoutMs, () => {
      stream.close(NGHTTP2_CANCEL);
      exchange.fail(upstreamError(`no data from the target within ${timeoutMs} ms`, 'UPSTREAM_TIMEOUT'));
    });
    if (body !== null) {
      stream.once('wantTrailers', () => {
        const trailers = (body as Readable & { trailers?: Record<string, string> }).trailers;
        stream.sendTrailers(trailers && Object.keys(trailers).length > 0 ? trailers : {});
      });
      body.pipe(stream);
    }
    stream.once('response', (responseHeaders) => {
      if (exchange.done) return;
      handler.onUpstreamHeaders(Number(responseHeaders[':status']), '', flatten(responseHeaders));
    });
    stream.on('data', (chunk: Buffer) => {
      if (!exchange.done && !handler.onUpstreamData(chunk)) stream.pause();
    });
    stream.once('trailers', (trailers) => {
      if (!exchange.done) handler.onUpstreamTrailers?.(flatten(trailers));
    });
    stream.once('end', () => exchange.complete());
    stream.once('error', (err: Error) => exchange.fail(err));
    stream.once('close', () => {
      this.active.delete(exchange);
      if (exchange.done) return;
      const code = stream.rstCode;
      if (code === NGHTTP2_REFUSED_STREAM) exchange.fail(upstreamError('the target refused the stream', 'ECONNREFUSED'));
      else if (code !== undefined && code !== NGHTTP2_NO_ERROR) exchange.fail(upstreamError(`the target reset the stream (HTTP/2 error ${code})`, 'ECONNRESET'));
      else if (!stream.readableEnded) exchange.fail(upstreamError('the target closed the stream before its response ended', 'UPSTREAM_CLOSED'));
      else exchange.complete();
    });
  }
}

/** A session with no request for this long is closed by the sweep. */
const IDLE_SESSION_MS = 60_000;

/** Node's header object as a flat [name, value, …] list, pseudo-headers left out. */
function flatten(headers: http2.IncomingHttpHeaders): string[] {
  const out: string[] = [];
  for (const name in headers) {
    if (name.charCodeAt(0) === 58 /* : */) continue;
    const value = headers[name];
    if (Array.isArray(value)) for (const v of value) out.push(name, v);
    else if (value !== undefined) out.push(name, String(value));
  }
  return out;
}
