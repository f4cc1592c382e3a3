// Recorded traffic as HAR 1.2, for browsers' and proxies' tools. Bodies are kept only when the
// listener's `capture.bodyBytes` asks for them; otherwise content sizes are byte counts and text is empty.
// Credentials and cookies are redacted unless the caller asks to keep them (secret-headers.ts).
import type { CapturedBody, TrafficRecord } from '../../../shared/model/index.js';
import { redactSecrets } from './secret-headers.js';

type Headers = Record<string, string | string[]> | undefined;

const harHeaders = (h: Headers) => Object.entries(h ?? {}).flatMap(([name, v]) => (Array.isArray(v) ? v : [v]).map((value) => ({ name, value })));
const header = (h: Headers, name: string) => {
  const v = h?.[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The query string as HAR lists it: each parameter decoded, in order. */
function queryList(query: string | undefined): { name: string; value: string }[] {
  if (!query) return [];
  return [...new URLSearchParams(query)].map(([name, value]) => ({ name, value }));
}

/** Byte counts include headers, so a body's own size is known only when all of it was captured. */
const bodySize = (body: CapturedBody | undefined) => (body && !body.truncated ? body.bytes : -1);

function postData(r: TrafficRecord): { postData?: { mimeType: string; text: string; comment?: string } } {
  const body: CapturedBody | undefined = r.requestBody;
  if (!body) return {};
  const mimeType = header(r.requestHeaders, 'content-type') ?? 'application/octet-stream';
  // HAR 1.2 has no encoding for request bodies: binary ones are given as base64 and said so.
  const notes = [body.encoding === 'base64' ? 'text is base64' : '', body.truncated ? `first ${body.bytes} bytes` : ''].filter(Boolean);
  return { postData: { mimeType, text: body.data, ...(notes.length ? { comment: notes.join(', ') } : {}) } };
}

export interface HarOptions {
  /** Keep Authorization, Proxy-Authorization, Cookie and Set-Cookie values (default: `[redacted]`). */
  keepSecrets?: boolean;
  creator?: { name: string; version: string };
}

export function toHar(records: readonly TrafficRecord[], { keepSecrets = false, creator = { name: 'Berth', version: '0.1.0' } }: HarOptions = {}) {
  const headersOf = keepSecrets ? (h: Headers) => h : redactSecrets;
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
          const url = `${scheme}://${host}${r.path ?? '/'}${r.query ? `?${r.query}` : ''}`;
          const body = r.responseBody;
          const connect = r.connectMs ?? -1;
          // HAR's `time` is the sum of the timings that apply, so they split the duration between them.
          const connected = Math.min(r.durationMs, Math.max(0, connect));
          const wait = Math.min(r.durationMs - connected, Math.max(0, (r.firstByteMs ?? r.durationMs) - connected));
          const receive = r.durationMs - connected - wait;
          return {
            startedDateTime: new Date(r.startedAt).toISOString(),
            time: r.durationMs,
            request: { method: r.method ?? 'GET', url, httpVersion: r.protocol ?? 'HTTP/1.1', cookies: [], headers: harHeaders(headersOf(r.requestHeaders)), queryString: queryList(r.query), ...postData(r), headersSize: -1, bodySize: bodySize(r.requestBody) },
            response: {
              status: r.status ?? 0,
              statusText: '',
              httpVersion: r.protocol ?? 'HTTP/1.1',
              cookies: [],
              headers: harHeaders(headersOf(r.responseHeaders)),
              content: {
                size: r.bytesOut,
                mimeType: header(r.responseHeaders, 'content-type') ?? 'x-unknown',
                ...(body ? { text: body.data, ...(body.encoding === 'base64' ? { encoding: 'base64' } : {}), ...(body.truncated ? { comment: `first ${body.bytes} bytes` } : {}) } : {}),
              },
              redirectURL: header(r.responseHeaders, 'location') ?? '',
              headersSize: -1,
              bodySize: bodySize(body),
            },
            cache: {},
            timings: { blocked: -1, dns: -1, connect: connect < 0 ? -1 : connected, ssl: -1, send: 0, wait, receive },
            serverIPAddress: r.target?.replace(/^.*?:(\d+)$/, '127.0.0.1') ?? '',
            comment: [r.loadBalancer, r.listener, r.rule ? `rule ${r.rule}` : '', r.targetGroup ?? '', r.target ?? '', r.error ?? ''].filter(Boolean).join(' · '),
          };
        }),
    },
  };
}
