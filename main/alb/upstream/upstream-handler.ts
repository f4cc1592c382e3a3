// The seam between a request and the HTTP/1.1 client that carries it to a target: what a request
// hears back (UpstreamHandler) and what a client offers per target (UpstreamPool). Both clients,
// the native one and the undici one, implement the same two shapes.
import type { Readable } from 'node:stream';

/** What a handler can ask of the request in flight: a paused response goes on. */
export interface UpstreamFlow {
  resume(): void;
}

/** What a request through the client reports to; the client sets `upstreamConnection`. */
export interface UpstreamHandler {
  /** The request in flight, while it is (the client's own bookkeeping). */
  upstreamConnection: UpstreamFlow | undefined;
  /** The request is on a connected socket (a reused one at once, a new one once connected). */
  onUpstreamConnect(): void;
  /** The final response's head; 1xx answers are not passed on. `headers` is the handler's to keep or change. */
  onUpstreamHeaders(statusCode: number, statusText: string, headers: string[]): void;
  /** A body chunk; false asks for a pause until the handler calls `upstreamConnection.resume()`. */
  onUpstreamData(chunk: Buffer): boolean;
  /** The response's trailers (HTTP/2 targets), just before onUpstreamComplete. */
  onUpstreamTrailers?(trailers: string[]): void;
  onUpstreamComplete(): void;
  /** Once, instead of onUpstreamComplete: the error's `code` says what happened (see upstreamError). */
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

/** The connections to one target, with either client. */
export interface UpstreamPool {
  readonly options: UpstreamPoolOptions;
  /** performance.now() of the last request sent. */
  readonly usedAt: number;
  /** Sends a request; its outcome reaches `handler`. `headers` is a flat [name, value, …] list, `path` is sent verbatim. */
  dispatch(handler: UpstreamHandler, method: string, path: string, headers: readonly string[], body: Readable | null, timeoutMs: number): void;
  /** Ends a request wherever it is (waiting for a connection, or on one); `err` reaches its handler at once. */
  abort(handler: UpstreamHandler, err: Error): void;
  /** Closes connections idle past their keep-alive time; true when nothing is left open. */
  sweep(now: number): boolean;
  close(): void;
}

/**
 * The codes both clients report with (error-responses.ts maps them to AWS's answers): socket codes
 * (`ECONNREFUSED`, `ECONNRESET`, TLS codes) as Node gives them, `HPE_*` parse errors, and Berth's own:
 * `ECONNECT_TIMEOUT`, `UPSTREAM_TIMEOUT`, `UPSTREAM_CLOSED`, `UPSTREAM_INVALID_RESPONSE`.
 */
export function upstreamError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}
