// Recorded traffic as AWS ALB access-log lines (space-separated, quoted fields as AWS writes them),
// so tools built for production logs read local ones too.
import type { TrafficRecord } from '../../../shared/model/index.js';

const quote = (s: string | undefined) => `"${(s ?? '-').replace(/"/g, '\\"')}"`;
const seconds = (ms: number | undefined) => (ms === undefined ? '-1' : (ms / 1000).toFixed(3));

/** AWS logs the host without the port the client put in its Host header. */
const hostOnly = (host: string | undefined) => host?.replace(/:\d+$/, '');

export function toAccessLogLine(r: TrafficRecord): string {
  const tls = r.listener.endsWith('/HTTPS');
  // AWS's request types: h2 for HTTP/2 over TLS, grpcs for gRPC.
  const h2 = r.protocol === 'HTTP/2.0';
  const type = r.kind === 'websocket' ? (tls ? 'wss' : 'ws') : r.grpcStatus !== undefined ? 'grpcs' : h2 ? 'h2' : tls ? 'https' : 'http';
  const scheme = tls ? 'https' : 'http';
  const port = r.listener.split('/')[0];
  const request = `${r.method ?? '-'} ${scheme}://${hostOnly(r.host) ?? '-'}:${port}${r.path ?? '/'}${r.query ? `?${r.query}` : ''} ${r.protocol ?? 'HTTP/1.1'}`;
  const target = r.target ? r.target.replace(/^(.*):(\d+)$/, '127.0.0.1:$2') : '-';
  const ua = r.requestHeaders?.['user-agent'];
  const action = r.targetGroup ? 'forward' : r.status && r.status >= 300 && r.status < 400 ? 'redirect' : 'fixed-response';
  return [
    type,
    new Date(r.startedAt + r.durationMs).toISOString(),
    `app/${r.loadBalancer}/local`,
    r.client.includes(':') && !r.client.includes('.') ? `[${r.client}]:0` : `${r.client}:0`,
    target,
    '0.000',
    r.targetGroup ? seconds(r.durationMs) : '-1',
    '0.000',
    String(r.status ?? '-'),
    r.targetGroup && r.status && !r.error ? String(r.status) : '-',
    String(r.bytesIn),
    String(r.bytesOut),
    quote(request),
    quote(Array.isArray(ua) ? ua[0] : ua),
    '-',
    '-',
    r.targetGroup ? `arn:berth:local:targetgroup/${r.targetGroup}` : '-',
    // AWS writes the X-Amzn-Trace-Id value, `Root=1-…`; the record keeps only the root id.
    quote(r.traceId && !r.traceId.startsWith('Root=') ? `Root=${r.traceId}` : r.traceId),
    // domain_name is the TLS SNI name, so plain HTTP has none.
    quote(tls ? hostOnly(r.host) : undefined),
    '"-"',
    r.rule === 'default' ? '0' : (r.rule ?? '-'),
    new Date(r.startedAt).toISOString(),
    quote(action),
    '"-"',
    quote(r.error),
    quote(target),
    quote(r.status !== undefined ? String(r.status) : '-'),
    '"-"',
    '"-"',
  ].join(' ');
}

export function toAccessLog(records: readonly TrafficRecord[]): string {
  return records.filter((r) => r.kind === 'http' || r.kind === 'websocket').map(toAccessLogLine).join('\n') + '\n';
}
