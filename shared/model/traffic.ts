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
  method?: string;
  host?: string;
  path?: string;
  status?: number;
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
  /** Kept only when detail capture is on for the listener. */
  requestHeaders?: Record<string, string | string[]>;
  responseHeaders?: Record<string, string | string[]>;
}
