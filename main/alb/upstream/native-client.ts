// Berth's native HTTP/1.1 client to targets, the fast path (undici-client.ts is the fallback): keep-alive
// connections per target, each with Node's own native llhttp parser (native-parser.ts), requests written as one
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
import type { Readable } from 'node:stream';
import { NativeConnection, serialiseHead, type ConnectionOwner } from './native-connection.js';
import { upstreamError, type UpstreamHandler, type UpstreamPool, type UpstreamPoolOptions } from './upstream-handler.js';

interface Waiting {
  handler: UpstreamHandler;
  head: string;
  method: string;
  body: Readable | null;
  timeoutMs: number;
  attempt: number;
}

/** The connections to one target. */
export class NativePool implements UpstreamPool, ConnectionOwner {
  private readonly idle: NativeConnection[] = [];
  private readonly waiting: Waiting[] = [];
  private readonly connections = new Set<NativeConnection>();
  private closed = false;
  usedAt = 0;

  constructor(readonly options: UpstreamPoolOptions) {}

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
      connection = new NativeConnection(this);
      this.connections.add(connection);
    }
    connection.send(handler, head, method, body, timeoutMs, attempt);
  }

  /** Ends a request wherever it is: on a connection (closed) or still waiting for one. */
  abort(handler: UpstreamHandler, err: Error): void {
    // Only this client sets a request's flow to one of its connections.
    const connection = handler.upstreamConnection as NativeConnection | undefined;
    if (connection) return connection.abort(err);
    const i = this.waiting.findIndex((w) => w.handler === handler);
    if (i >= 0) {
      this.waiting.splice(i, 1);
      handler.onUpstreamError(err);
    }
  }

  /** A connection finished its response and can take the next request. */
  release(connection: NativeConnection): void {
    const next = this.waiting.shift();
    if (next) return connection.send(next.handler, next.head, next.method, next.body, next.timeoutMs, next.attempt);
    connection.idleSince = performance.now();
    this.idle.push(connection);
  }

  /** A connection closed (called once per connection). */
  connectionGone(connection: NativeConnection): void {
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
