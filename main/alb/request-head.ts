// One pass over a request's raw headers: what routing and the policy checks need (Host, absolute
// form, X-Forwarded-For, trace id, cookies) and the end-to-end headers to pass on, with the
// hop-by-hop ones (RFC 9110 7.6.1) left behind. Node's lower-cased `req.headers` is never built.
import type { ClientRequest } from './client-messages.js';
import type { TrafficErrorCode } from './error-responses.js';
import { dropConnectionOptions } from './hop-by-hop.js';

// Headers Berth never copies: hop-by-hop fields, and the ones the forwarding policy rewrites.
const DROP = new Set(['keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect', 'x-forwarded-proto', 'x-forwarded-port']);

export class RequestHead {
  /** The first Host header as received ('' when there is none). */
  host = '';
  hostCount = 0;
  /** Set when the request line held an absolute URI (`GET http://a.example/x`). */
  absoluteAuthority: string | undefined;
  path = '/';
  query = '';
  /** The origin-form target to send on (`/path?query`). */
  target = '/';
  hasBody = false;
  forwardedFor: string | undefined;
  traceId: string | undefined;
  cookie: string | undefined;
  upgrade: string | undefined;
  /** An HTTP/0.9 request line (`GET /`, no version): no headers, so no Host, and no framing. */
  readonly http09: boolean;
  /** `te` as the client sent it: only `trailers` may go on to an HTTP/2 target (gRPC needs it). */
  te: string | undefined;
  /** The content type says gRPC (`application/grpc`, `+proto`, `+json`, …). */
  grpc = false;
  /** End-to-end headers as a flat [name, value, …] list, original case and order kept. */
  readonly headers: string[] = [];
  private connection: string | undefined;

  /** `http2`: the request came over HTTP/2, whose pseudo-headers carry the authority (AWS routes on it
   * as on Host) and whose frames, not a length header, say whether a body follows. */
  constructor(req: ClientRequest, http2 = false) {
    this.http09 = req.httpVersionMajor === 0;
    const raw = req.rawHeaders;
    const out = this.headers;
    let authority = false;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      const value = raw[i + 1]!;
      const lower = name.toLowerCase();
      switch (lower) {
        case 'host':
          // Over HTTP/2 a Host beside :authority names the same origin (RFC 9113 8.3.1): one host.
          if (authority) continue;
          if (this.hostCount++ === 0) this.host = value;
          continue;
        case ':authority':
          authority = true;
          this.host = value;
          this.hostCount = 1;
          continue;
        case 'content-type':
          if (value.length >= 16 && value.toLowerCase().startsWith('application/grpc')) this.grpc = true;
          break;
        case 'connection':
          this.connection = this.connection === undefined ? value : `${this.connection},${value}`;
          continue;
        case 'content-length':
          if (value !== '0') this.hasBody = true;
          break;
        case 'x-forwarded-for':
          this.forwardedFor = this.forwardedFor === undefined ? value : `${this.forwardedFor}, ${value}`;
          continue;
        case 'x-amzn-trace-id':
          this.traceId ??= value;
          continue;
        case 'cookie':
          this.cookie = this.cookie === undefined ? value : `${this.cookie}; ${value}`;
          break;
        default:
          if (DROP.has(lower)) {
            if (lower === 'transfer-encoding') this.hasBody = true;
            else if (lower === 'upgrade') this.upgrade = value;
            else if (lower === 'te') this.te = value;
            continue;
          }
          if (lower.startsWith('proxy-') || lower.charCodeAt(0) === 58 /* : */) continue;
      }
      out.push(name, value);
    }
    if (this.connection !== undefined) dropConnectionOptions(out, this.connection);
    if (http2) this.hasBody = !(req as { stream?: { endAfterHeaders?: boolean } }).stream?.endAfterHeaders;
    this.splitTarget(req.url ?? '/');
  }

  /** AWS's request checks that come before routing (elbv2-model.md 5.1). */
  reject(method: string): TrafficErrorCode | undefined {
    if (this.http09) return 'UNSUPPORTED_HTTP_VERSION';
    if (method === 'TRACE') return 'METHOD_NOT_ALLOWED';
    // Two Host headers are a request-smuggling shape: refuse rather than guess which one counts.
    if (this.hostCount > 1) return 'DUPLICATE_HOST_HEADER';
    if (this.absoluteAuthority !== undefined && this.hostCount === 1 && !sameAuthority(this.absoluteAuthority, this.host)) return 'HOST_MISMATCH';
    return undefined;
  }

  /** Why `reject()` refused, in words for the error page. */
  rejection(code: TrafficErrorCode): string {
    switch (code) {
      case 'UNSUPPORTED_HTTP_VERSION':
        return 'HTTP/0.9 is not supported: send HTTP/1.0 or later';
      case 'METHOD_NOT_ALLOWED':
        return 'TRACE is not supported';
      case 'DUPLICATE_HOST_HEADER':
        return `the request has ${this.hostCount} Host headers`;
      case 'HOST_MISMATCH':
        return `the request target names host "${this.absoluteAuthority}" but the Host header says "${this.host}"`;
      case 'UNSUPPORTED_UPGRADE':
        return `only WebSocket upgrades are supported, not "${this.upgrade}"`;
      default:
        return 'the request was refused';
    }
  }

  /** The host rules match: an absolute-form target's authority wins over the Host header. */
  get routingHost(): string {
    return this.absoluteAuthority ?? this.host;
  }

  private splitTarget(url: string): void {
    let rest = url;
    if (url.charCodeAt(0) !== 47 /* / */ && /^https?:\/\//i.test(url)) {
      const start = url.indexOf('//') + 2;
      let end = start;
      while (end < url.length && url[end] !== '/' && url[end] !== '?') end++;
      this.absoluteAuthority = url.slice(start, end);
      rest = url.slice(end);
      if (rest === '' || rest[0] === '?') rest = `/${rest}`;
    }
    const q = rest.indexOf('?');
    if (q < 0) {
      this.path = rest;
      this.query = '';
    } else {
      this.path = rest.slice(0, q);
      this.query = rest.slice(q + 1);
    }
    this.target = rest;
  }
}

/** `A.example:80` and `a.example` name the same origin for an http:// absolute-form target. */
function sameAuthority(absolute: string, host: string): boolean {
  const strip = (s: string) => s.toLowerCase().replace(/:(80|443)$/, '');
  return strip(absolute) === strip(host);
}
