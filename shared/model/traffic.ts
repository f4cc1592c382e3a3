// One record per HTTP request (ALB) or per TCP connection / UDP flow (NLB), as the recorder keeps
// them and the control API, the UI and the exporters (HAR, access logs) read them.

export type TrafficKind = 'http' | 'websocket' | 'tcp' | 'tls' | 'udp';

export interface TrafficRecord {
  /** Monotonic per engine run. */
  id: number;
  kind: TrafficKind;
  /** Epoch milliseconds when the request/connection began. */
  startedAt: number;
  loadBalancer: string;
  /** `<port>/<protocol>`, e.g. `8080/HTTP`. */
  listener: string;
  /** Rule priority as text, or `default`. */
  rule?: string;
  targetGroup?: string;
  /** Target id, e.g. `web-1:49153`. */
  target?: string;
  client: string;
  /** The container the request came from, when it reached Berth from a Docker network. */
  clientContainer?: string;
  method?: string;
  /** HTTP requests: the client's protocol as HAR writes it (`HTTP/1.1`, `HTTP/2.0`). */
  protocol?: string;
  host?: string;
  path?: string;
  /** The query string as received, without the `?` (absent when there was none). */
  query?: string;
  status?: number;
  /** gRPC requests: the grpc-status the client got (from the target, or Berth's own error's). */
  grpcStatus?: number;
  bytesIn: number;
  bytesOut: number;
  /** UDP flows: datagrams from the client and to it. */
  packetsIn?: number;
  packetsOut?: number;
  /** Total duration in ms (for L4: connection lifetime). */
  durationMs: number;
  connectMs?: number;
  firstByteMs?: number;
  /** Machine code of a Berth-generated error (`x-berth-error`), or the L4 close reason. */
  error?: string;
  traceId?: string;
  /** Kept when the listener's `capture.headers` is on (the default), keyed by lower-case name;
   * only getRequest and the exports return them, not the live stream. */
  requestHeaders?: Record<string, string | string[]>;
  responseHeaders?: Record<string, string | string[]>;
  /** The first `capture.bodyBytes` bytes of each body, when the listener asks for them. */
  requestBody?: CapturedBody;
  responseBody?: CapturedBody;
}

export interface CapturedBody {
  /** `utf8` when the captured bytes are UTF-8 text, else `base64`. */
  encoding: 'utf8' | 'base64';
  data: string;
  /** Bytes captured; `truncated` when the body went on beyond them. */
  bytes: number;
  truncated: boolean;
}

/** Close reasons of a connection or flow that are an ordinary end, not a failure: a UDP flow always
 * ends by one of them. Every other reason (and any error of an HTTP request) means it failed. */
export const ORDINARY_CLOSE_REASONS: ReadonlySet<string> = new Set(['idle-timeout', 'client-reset', 'deregistered', 'listener-closed', 'evicted', 'target-left', 'stopped']);

/** An HTTP error, or a connection/flow that ended because something failed (not one that just ended). */
export function recordFailed(r: Pick<TrafficRecord, 'kind' | 'error'>): boolean {
  if (r.error === undefined) return false;
  return r.kind === 'http' || r.kind === 'websocket' || !ORDINARY_CLOSE_REASONS.has(r.error);
}
