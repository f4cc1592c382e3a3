// Recorded traffic as HAR 1.2, for browsers' and proxies' tools. Bodies are not kept by default, so
// content sizes are byte counts and text is empty.
import type { TrafficRecord } from '../../../shared/model/index.js';

type Headers = Record<string, string | string[]> | undefined;

const harHeaders = (h: Headers) => Object.entries(h ?? {}).flatMap(([name, v]) => (Array.isArray(v) ? v : [v]).map((value) => ({ name, value })));

export function toHar(records: readonly TrafficRecord[], creator = { name: 'Berth', version: '0.1.0' }) {
  return {
    log: {
      version: '1.2',
      creator,
      pages: [],
      entries: records
        .filter((r) => r.kind === 'http' || r.kind === 'websocket')
        .map((r) => {
          const scheme = r.listener.endsWith('/HTTPS') ? 'https' : 'http';
          const host = r.host ?? 'unknown';
          const url = `${scheme}://${host}${r.path ?? '/'}`;
          const query = (() => {
            try {
              return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
            } catch {
              return [];
            }
          })();
          const connect = r.connectMs ?? -1;
          const wait = r.firstByteMs !== undefined ? Math.max(0, r.firstByteMs - Math.max(0, connect)) : r.durationMs;
          const receive = Math.max(0, r.durationMs - Math.max(0, connect) - wait);
          return {
            startedDateTime: new Date(r.startedAt).toISOString(),
            time: r.durationMs,
            request: { method: r.method ?? 'GET', url, httpVersion: 'HTTP/1.1', cookies: [], headers: harHeaders(r.requestHeaders), queryString: query, headersSize: -1, bodySize: r.bytesIn },
            response: {
              status: r.status ?? 0,
              statusText: '',
              httpVersion: 'HTTP/1.1',
              cookies: [],
              headers: harHeaders(r.responseHeaders),
              content: { size: r.bytesOut, mimeType: String(r.responseHeaders?.['content-type'] ?? 'x-unknown') },
              redirectURL: String(r.responseHeaders?.location ?? ''),
              headersSize: -1,
              bodySize: r.bytesOut,
            },
            cache: {},
            timings: { blocked: -1, dns: -1, connect, ssl: -1, send: 0, wait, receive },
            serverIPAddress: r.target?.replace(/^.*?:(\d+)$/, '127.0.0.1') ?? '',
            comment: [r.loadBalancer, r.listener, r.rule ? `rule ${r.rule}` : '', r.targetGroup ?? '', r.target ?? '', r.error ?? ''].filter(Boolean).join(' · '),
          };
        }),
    },
  };
}
