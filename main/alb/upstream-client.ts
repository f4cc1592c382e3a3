// Berth's HTTP/1.1 client to targets: keep-alive connections per target, each with Node's own
// native llhttp parser (the binding `node:http` itself parses with), requests written as one
// serialised head, response bytes handed straight to the handler. It does only what a proxy's
// upstream side needs, which is why it costs about a quarter less CPU per request than undici's Pool
// (measured in docs/performance.md): no request objects, no header validation of values Node's
// server already validated, no body streams.
//
// Semantics kept from a general client: connect timeout; an inactivity timeout while a request is
// in flight; backpressure both ways; request bodies with their length or re-chunked; HEAD, 1xx,
// 204/304 and close-delimited responses; the target's `Keep-Alive: timeout` hint; a request with no
// body retried once on a fresh connection when a reused one turns out to have been closed by the
// target before any byte of the answer (the keep-alive race every pooled client has).
import { createRequire } from 'node:module';
import * as net from 'node:net';
import type { Readable } from 'node:stream';
import * as tls from 'node:tls';

/** What a request through the client reports to; the client sets `upstreamConnection`. */
export interface UpstreamHandler {
  /** The connection carrying the request, while it does (the client's own bookkeeping). */
  upstreamConnection: UpstreamConnection | undefined;
  /** The request is on a connected socket (a reused one at once, a new one once connected). */
  onUpstreamConnect(): void;
  /** The final response's head; 1xx answers are not passed on. */
  onUpstreamHeaders(statusCode: number, statusText: string, headers: string[]): void;
  /** A body chunk; false asks for a pause until the handler calls `resume`. */
  onUpstreamData(chunk: Buffer): boolean;
  onUpstreamComplete(): void;
  /** Once, instead of onUpstreamComplete: the error's `code` says what happened. */
  onUpstreamError(err: Error): void;
}

export interface UpstreamPoolOptions {
  host: string;
  port: number;
  tls: boolean;
  connectTimeoutMs: number;
  /** Upper bound of connections to the target; further requests wait for one. */
  maxConnections: number;
}

interface NativeParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | Error;
  finish(): number | Error | undefined;
  close(): void;
  [callback: number]: unknown;
  connection: UpstreamConnection | undefined;
}

interface ParserBinding {
  new (): NativeParser;
  RESPONSE: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
}

// `_http_common` is how Node's own http module reaches llhttp; it has had this shape since Node 12.
const { HTTPParser } = createRequire(import.meta.url)('_http_common') as { HTTPParser: ParserBinding };
for (const key of ['RESPONSE', 'kOnHeaders', 'kOnHeadersComplete', 'kOnBody', 'kOnMessageComplete'] as const) {
  if (typeof HTTPParser?.[key] !== 'number') throw new Error(`this Node.js (${process.version}) has no HTTP parser binding Berth can use (${key} missing)`);
}

// Large enough that AWS's response-header limit (32 KB → 502) is what bites.
const MAX_HEADER_SIZE = 32 * 1024;
// Without a `Keep-Alive: timeout` hint an idle connection is kept 4 s: shorter than the 5 s Node's
// http servers (and many others) keep theirs, so Berth stops using it before the target closes it.
const DEFAULT_KEEP_ALIVE_MS = 4_000;
// A hint is trusted up to this long, minus a second so the target's own timer is not raced.
const MAX_KEEP_ALIVE_MS = 600_000;
const HINT_MARGIN_MS = 1_000;
const PARSER_RESOURCE = {};

function upstreamError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

// ---- parser callbacks: `this` is the parser; its connection does the work ----

function onHeaders(this: NativeParser, headers: string[]): void {
  const c = this.connection;
  if (c) for (const h of headers) c.headerParts.push(h);
}

function onHeadersComplete(
  this: NativeParser,
  _major: number,
  _minor: number,
  headers: string[] | undefined,
  _method: unknown,
  _url: unknown,
  statusCode: number,
  statusText: string,
  _upgrade: boolean,
  shouldKeepAlive: boolean,
): number {
  return this.connection?.headersComplete(headers, statusCode, statusText, shouldKeepAlive) ?? 1;
}

function onBody(this: NativeParser, chunk: Buffer): void {
  this.connection?.body(chunk);
}

function onMessageComplete(this: NativeParser): void {
  this.connection?.messageComplete();
}

/** One socket to a target and the request on it, if any. */
export class UpstreamConnection {
  readonly socket: net.Socket;
  private readonly parser: NativeParser;
  handler: UpstreamHandler | undefined;
  /** The request on the connection, kept for a retry on a fresh connection. */
  private head = '';
  private method = '';
  private requestBody: Readable | null = null;
  private attempt = 0;
  private connected = false;
  private dead = false;
  private served = 0;
  private responding = false;
  private informational = false;
  private bodyPending = false;
  private chunked = false;
  private paused = false;
  /** llhttp's verdict on the response: HTTP/1.1 without `Connection: close`, or 1.0 with keep-alive. */
  private keepAlive = false;
  private timeoutMs = 0;
  private connectTimer: NodeJS.Timeout | undefined;
  private lastError: Error | undefined;
  idleSince = 0;
  keepAliveMs = DEFAULT_KEEP_ALIVE_MS;
  /** Header pairs flushed before the head was complete (over 32 of them). */
  headerParts: string[] = [];

  constructor(private readonly pool: UpstreamPool) {
    const o = pool.options;
    const socket = o.tls
      ? // AWS does not verify target certificates (self-signed and expired are accepted).
        tls.connect({ host: o.host, port: o.port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'], ...(net.isIP(o.host) ? {} : { servername: o.host }) })
      : net.connect({ host: o.host, port: o.port });
    socket.setNoDelay(true);
    this.socket = socket;
    const parser = new HTTPParser();
    parser.initialize(HTTPParser.RESPONSE, PARSER_RESOURCE, MAX_HEADER_SIZE, 0);
    parser[HTTPParser.kOnHeaders] = onHeaders;
    parser[HTTPParser.kOnHeadersComplete] = onHeadersComplete;
    parser[HTTPParser.kOnBody] = onBody;
    parser[HTTPParser.kOnMessageComplete] = onMessageComplete;
    parser.connection = this;
    this.parser = parser;
    this.connectTimer = setTimeout(this.onConnectTimeout, o.connectTimeoutMs);
    socket.once(o.tls ? 'secureConnect' : 'connect', this.onConnected);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
    socket.on('timeout', this.onTimeout);
  }

  get busy(): boolean {
    return this.handler !== undefined;
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Writes a request; the connection is idle (or new) and owned by the pool's caller. */
  send(handler: UpstreamHandler, head: string, method: string, body: Readable | null, timeoutMs: number, attempt: number): void {
    this.handler = handler;
    handler.upstreamConnection = this;
    this.head = head;
    this.method = method;
    this.requestBody = body;
    this.attempt = attempt;
    this.responding = false;
    if (timeoutMs !== this.timeoutMs) {
      this.timeoutMs = timeoutMs;
      this.socket.setTimeout(timeoutMs);
    }
    if (this.connected) handler.onUpstreamConnect();
    // Written at once even while connecting: the socket holds it until the connection is up.
    this.socket.write(head, 'latin1');
    if (body !== null) this.streamBody(body, head);
  }

  /** The handler's pause is over. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.socket.resume();
  }

  /** Ends the request at once (client gone, target deregistered): the connection cannot be reused. */
  abort(err: Error): void {
    const handler = this.detach();
    this.destroy();
    handler?.onUpstreamError(err);
  }

  destroy(): void {
    if (this.dead) return;
    this.dead = true;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.stopBody();
    this.socket.destroy();
    // Not from inside one of the parser's own callbacks: its native side is still on the stack.
    setImmediate(closeParser, this.parser);
    this.parser.connection = undefined;
    this.pool.connectionGone(this);
  }

  // ---- from the parser ----

  headersComplete(headers: string[] | undefined, statusCode: number, statusText: string, shouldKeepAlive: boolean): number {
    const handler = this.handler;
    this.keepAlive = shouldKeepAlive;
    if (headers === undefined) {
      headers = this.headerParts;
      this.headerParts = [];
    } else if (this.headerParts.length > 0) {
      headers = this.headerParts.concat(headers);
      this.headerParts = [];
    }
    if (handler === undefined) {
      // An answer nobody asked for: the connection's framing cannot be trusted any more.
      this.fail(upstreamError('the target sent a response with no request outstanding', 'UPSTREAM_INVALID_RESPONSE'));
      return 1;
    }
    this.responding = true;
    if (statusCode < 200) {
      if (statusCode === 101) {
        this.fail(upstreamError('the target switched protocols on a request that did not ask to', 'UPSTREAM_INVALID_RESPONSE'));
        return 1;
      }
      this.informational = true;
      return 1;
    }
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i]!;
      if (name.length === 10 && name.toLowerCase() === 'keep-alive') this.keepAliveHint(headers[i + 1]!);
    }
    try {
      handler.onUpstreamHeaders(statusCode, statusText, headers);
    } catch (err) {
      // Node refuses to send what the target sent (a header value it would not write, say).
      this.fail(Object.assign(err as Error, { code: 'UPSTREAM_INVALID_RESPONSE' }));
      return 1;
    }
    return this.method === 'HEAD' ? 1 : 0;
  }

  body(chunk: Buffer): void {
    const handler = this.handler;
    if (handler === undefined) return;
    // Once paused, the rest of the bytes already read still go on: the parser cannot stop mid-buffer.
    if (!handler.onUpstreamData(chunk) && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  messageComplete(): void {
    if (this.informational) {
      this.informational = false;
      this.responding = false;
      return;
    }
    const handler = this.detach();
    if (handler === undefined) return;
    this.served++;
    // A response that came before its request's body was all sent leaves the framing unfinished.
    const reusable = !this.dead && !this.bodyPending && this.keepAlive && this.keepAliveMs > 0 && this.socket.writable && !this.socket.readableEnded;
    if (this.paused) this.resume();
    handler.onUpstreamComplete();
    if (reusable) this.pool.release(this);
    else this.destroy();
  }

  // ---- socket events ----

  private readonly onConnected = (): void => {
    this.connected = true;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    this.handler?.onUpstreamConnect();
  };

  private readonly onConnectTimeout = (): void => {
    this.connectTimer = undefined;
    this.fail(upstreamError(`no connection within ${this.pool.options.connectTimeoutMs} ms`, 'ECONNECT_TIMEOUT'));
  };

  private readonly onData = (data: Buffer): void => {
    let result: number | Error;
    try {
      result = this.parser.execute(data);
    } catch (err) {
      // A handler threw from inside a parser callback: the connection's state is unknown now.
      return this.fail(err as Error);
    }
    if (result instanceof Error) this.fail(Object.assign(result, { message: `the target's response could not be parsed (${(result as { code?: string }).code ?? result.message})` }));
  };

  private readonly onEnd = (): void => {
    // The target finished sending: this completes a response delimited by the close, if one was open.
    if (!this.dead) {
      const result = this.parser.finish();
      if (result instanceof Error) return this.fail(result);
    }
    this.fail(upstreamError('the target closed the connection before it answered', 'UPSTREAM_CLOSED'));
  };

  private readonly onError = (err: Error): void => {
    this.lastError = err;
  };

  private readonly onClose = (): void => {
    this.fail(this.lastError ?? upstreamError('the connection to the target closed before the response was complete', 'UPSTREAM_CLOSED'));
  };

  private readonly onTimeout = (): void => {
    if (this.handler === undefined) return this.destroy();
    // A paused response waits for the client, not for the target.
    if (this.paused) return;
    this.fail(upstreamError(`the target sent nothing for ${this.timeoutMs} ms`, 'UPSTREAM_TIMEOUT'));
  };

  // ---- request body ----

  private streamBody(body: Readable, head: string): void {
    this.bodyPending = true;
    this.chunked = head.endsWith(CHUNKED_END);
    body.on('data', this.onBodyData);
    body.once('end', this.onBodyEnd);
    body.once('close', this.onBodyClose);
    body.resume();
  }

  private readonly onBodyData = (chunk: Buffer): void => {
    const socket = this.socket;
    let ok: boolean;
    if (this.chunked) {
      if (chunk.length === 0) return;
      socket.cork();
      socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
      socket.write(chunk);
      ok = socket.write('\r\n', 'latin1');
      socket.uncork();
    } else ok = socket.write(chunk);
    if (!ok) {
      this.requestBody?.pause();
      socket.once('drain', this.onSocketDrain);
    }
  };

  private readonly onSocketDrain = (): void => {
    this.requestBody?.resume();
  };

  private readonly onBodyEnd = (): void => {
    if (this.chunked && !this.dead) this.socket.write('0\r\n\r\n', 'latin1');
    this.bodyPending = false;
    this.stopBody();
  };

  private readonly onBodyClose = (): void => {
    if (!this.bodyPending) return;
    // The client went away mid-body: what was sent cannot be completed.
    this.fail(upstreamError('the client closed the connection before its request body was complete', 'CLIENT_CLOSED'));
  };

  private stopBody(): void {
    const body = this.requestBody;
    if (body === null) return;
    this.requestBody = null;
    body.off('data', this.onBodyData);
    body.off('end', this.onBodyEnd);
    body.off('close', this.onBodyClose);
    this.socket.off('drain', this.onSocketDrain);
  }

  // ---- helpers ----

  private detach(): UpstreamHandler | undefined {
    const handler = this.handler;
    this.handler = undefined;
    if (handler) handler.upstreamConnection = undefined;
    return handler;
  }

  /** The connection is unusable: the request on it (if any) fails, or is retried once when it is
   * safe to (no body, nothing of the answer received, a reused connection the target had closed). */
  private fail(err: Error): void {
    if (this.dead && this.handler === undefined) return;
    const retry = this.served > 0 && !this.responding && this.requestBody === null && !this.bodyPending && this.attempt === 0 && IDEMPOTENT.has(this.method);
    const handler = this.detach();
    const head = this.head;
    const method = this.method;
    const timeoutMs = this.timeoutMs;
    this.destroy();
    if (handler === undefined) return;
    if (retry && isConnectionLoss(err)) this.pool.send(handler, head, method, null, timeoutMs, 1);
    else handler.onUpstreamError(err);
  }

  private keepAliveHint(value: string): void {
    const m = /timeout\s*=\s*(\d+)/i.exec(value);
    if (m) this.keepAliveMs = Math.min(MAX_KEEP_ALIVE_MS, Number(m[1]) * 1000 - HINT_MARGIN_MS);
  }
}

function closeParser(parser: NativeParser): void {
  parser.close();
}

function isConnectionLoss(err: Error): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'UPSTREAM_CLOSED';
}

const CHUNKED_END = 'transfer-encoding: chunked\r\n\r\n';
// Requests a client may repeat without changing what they do (RFC 9110 9.2.2).
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** The request line and headers, serialised once; a body without a length is sent chunked. */
export function serialiseHead(method: string, path: string, headers: readonly string[], chunked: boolean): string {
  let head = `${method} ${path} HTTP/1.1\r\n`;
  // Values come from Node's HTTP parser (which refuses CR, LF and NUL in them) or from Berth itself.
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return chunked ? head + CHUNKED_END : `${head}\r\n`;
}

interface Waiting {
  handler: UpstreamHandler;
  head: string;
  method: string;
  body: Readable | null;
  timeoutMs: number;
  attempt: number;
}

/** The connections to one target. */
export class UpstreamPool {
  private readonly idle: UpstreamConnection[] = [];
  private readonly waiting: Waiting[] = [];
  private readonly connections = new Set<UpstreamConnection>();
  private closed = false;
  usedAt = 0;

  constructor(readonly options: UpstreamPoolOptions) {}

  /** Requests in flight and waiting, for the sweep. */
  get pending(): number {
    return this.connections.size - this.idle.length + this.waiting.length;
  }

  /** Sends a request; its outcome reaches `handler`. `headers` is a flat [name, value, …] list. */
  dispatch(handler: UpstreamHandler, method: string, path: string, headers: readonly string[], body: Readable | null, timeoutMs: number): void {
    const chunked = body !== null && !headersHaveContentLength(headers);
    this.send(handler, serialiseHead(method, path, headers, chunked), method, body, timeoutMs, 0);
  }

  send(handler: UpstreamHandler, head: string, method: string, body: Readable | null, timeoutMs: number, attempt: number): void {
    if (this.closed) {
      handler.onUpstreamError(upstreamError('the listener is stopping', 'UPSTREAM_CLOSED'));
      return;
    }
    const now = performance.now();
    this.usedAt = now;
    let connection = this.idle.pop();
    while (connection !== undefined && (!connection.alive || now - connection.idleSince > connection.keepAliveMs)) {
      connection.destroy();
      connection = this.idle.pop();
    }
    if (connection === undefined) {
      if (this.connections.size >= this.options.maxConnections) {
        this.waiting.push({ handler, head, method, body, timeoutMs, attempt });
        return;
      }
      connection = new UpstreamConnection(this);
      this.connections.add(connection);
    }
    connection.send(handler, head, method, body, timeoutMs, attempt);
  }

  /** Ends a request wherever it is: on a connection (closed) or still waiting for one. */
  abort(handler: UpstreamHandler, err: Error): void {
    const connection = handler.upstreamConnection;
    if (connection) return connection.abort(err);
    const i = this.waiting.findIndex((w) => w.handler === handler);
    if (i >= 0) {
      this.waiting.splice(i, 1);
      handler.onUpstreamError(err);
    }
  }

  resume(handler: UpstreamHandler): void {
    handler.upstreamConnection?.resume();
  }

  /** A connection finished its response and can take the next request. */
  release(connection: UpstreamConnection): void {
    const next = this.waiting.shift();
    if (next) return connection.send(next.handler, next.head, next.method, next.body, next.timeoutMs, next.attempt);
    connection.idleSince = performance.now();
    this.idle.push(connection);
  }

  /** A connection closed (called once per connection). */
  connectionGone(connection: UpstreamConnection): void {
    this.connections.delete(connection);
    const i = this.idle.indexOf(connection);
    if (i >= 0) this.idle.splice(i, 1);
    // Its slot can serve a request that was waiting for one.
    const next = this.waiting.shift();
    if (next && !this.closed) this.send(next.handler, next.head, next.method, next.body, next.timeoutMs, next.attempt);
  }

  /** Closes connections idle past their keep-alive time; true when nothing is left open. */
  sweep(now: number): boolean {
    for (const c of [...this.idle]) if (now - c.idleSince > c.keepAliveMs) c.destroy();
    return this.connections.size === 0 && this.waiting.length === 0;
  }

  close(): void {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.handler.onUpstreamError(upstreamError('the listener is stopping', 'UPSTREAM_CLOSED'));
    for (const c of [...this.connections]) c.abort(upstreamError('the listener is stopping', 'UPSTREAM_CLOSED'));
  }
}

function headersHaveContentLength(headers: readonly string[]): boolean {
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    if (name.length === 14 && name.toLowerCase() === 'content-length') return true;
  }
  return false;
}
