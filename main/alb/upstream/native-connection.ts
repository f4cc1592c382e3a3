// One keep-alive connection to a target for the native upstream client (native-client.ts): the
// socket, Node's own native llhttp parser (the binding `node:http` itself parses with), the request
// on it written as one serialised head, the response's head and body chunks handed straight to the
// request's handler. Timeouts, backpressure both ways, request bodies by length or re-chunked, HEAD,
// 1xx, 204/304 and close-delimited responses, the target's `Keep-Alive: timeout` hint, and the
// one retry of a repeatable request that met a connection the target had already closed.
import * as net from 'node:net';
import type { Readable } from 'node:stream';
import * as tls from 'node:tls';
import { createResponseParser, releaseParser, type ResponseParser, type ResponseParserOwner } from './native-parser.js';
import { upstreamError, type UpstreamFlow, type UpstreamHandler } from './upstream-handler.js';

/** What a connection needs of the pool that owns it. */
export interface ConnectionOwner {
  readonly options: { readonly host: string; readonly port: number; readonly tls: boolean; readonly connectTimeoutMs: number };
  /** Sends (or queues) a request; the retry of a request whose connection was dead goes here. */
  send(handler: UpstreamHandler, head: string, method: string, body: Readable | null, timeoutMs: number, attempt: number): void;
  /** The connection finished its response and can take the next request. */
  release(connection: NativeConnection): void;
  /** The connection closed (called once per connection). */
  connectionGone(connection: NativeConnection): void;
}

// Without a `Keep-Alive: timeout` hint an idle connection is kept 4 s: shorter than the 5 s Node's
// http servers (and many others) keep theirs, so Berth stops using it before the target closes it.
const DEFAULT_KEEP_ALIVE_MS = 4_000;
// A hint is trusted up to this long, minus a second so the target's own timer is not raced.
const MAX_KEEP_ALIVE_MS = 600_000;
const HINT_MARGIN_MS = 1_000;

/** One socket to a target and the request on it, if any. */
export class NativeConnection implements ResponseParserOwner, UpstreamFlow {
  private readonly socket: net.Socket;
  private readonly parser: ResponseParser;
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

  constructor(private readonly pool: ConnectionOwner) {
    const o = pool.options;
    const socket = o.tls
      ? // AWS does not verify target certificates (self-signed and expired are accepted).
        tls.connect({ host: o.host, port: o.port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'], ...(net.isIP(o.host) ? {} : { servername: o.host }) })
      : net.connect({ host: o.host, port: o.port });
    socket.setNoDelay(true);
    this.socket = socket;
    this.parser = createResponseParser(this);
    this.connectTimer = setTimeout(this.onConnectTimeout, o.connectTimeoutMs);
    socket.once(o.tls ? 'secureConnect' : 'connect', this.onConnected);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
    socket.on('timeout', this.onTimeout);
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
    releaseParser(this.parser);
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

