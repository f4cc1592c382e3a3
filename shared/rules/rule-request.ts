// The request as the rule matcher sees it, and the per-match view derived from it (host without its
// port, decoded query pairs, parsed source address), computed lazily so a rule set that never looks
// at the query string never parses one.
import { parseAddress } from '../model/cidr.js';

export interface RuleRequest {
  method: string;
  /** The Host header as received (first one), or the absolute-form target's authority. */
  host: string;
  /** The path only, as received (never the query string). */
  path: string;
  /** The raw query string, without the leading `?`; empty when there is none. */
  query: string;
  /**
   * Request headers. `match()` expects lower-case names, as Node's `headersDistinct` gives them
   * (repeated headers as arrays, tried in order); `explain()` accepts any case.
   */
  headers: Record<string, string | string[] | undefined>;
  /** The address of the peer that opened the connection (X-Forwarded-For is never consulted). */
  sourceIp: string;
}

export interface QueryPair {
  /** Decoded and lower-cased, because AWS compares query strings case-insensitively. */
  key: string;
  value: string;
}

export type SourceAddress = NonNullable<ReturnType<typeof parseAddress>>;

/** Reused across matches (matching is synchronous), so a match allocates nothing up front. */
export class PreparedRequest {
  request!: RuleRequest;
  /** Lower-cased, port removed. */
  host = '';
  private pairs: QueryPair[] | undefined;
  private address: SourceAddress | null | undefined;

  reset(request: RuleRequest): this {
    this.request = request;
    this.host = hostName(request.host);
    this.pairs = undefined;
    this.address = undefined;
    return this;
  }

  queryPairs(): QueryPair[] {
    return (this.pairs ??= parseQuery(this.request.query));
  }

  sourceAddress(): SourceAddress | null {
    if (this.address === undefined) this.address = parseAddress(this.request.sourceIp) ?? null;
    return this.address;
  }
}

/** `Example.COM:8080` → `example.com`; `[::1]:8080` → `[::1]`. Rules never see the port. */
export function hostName(host: string): string {
  let end = host.length;
  if (host.charCodeAt(0) === 91 /* [ */) {
    const close = host.indexOf(']');
    if (close > 0) end = close + 1;
  } else {
    const colon = host.indexOf(':');
    if (colon >= 0) end = colon;
  }
  const name = end === host.length ? host : host.slice(0, end);
  return hasUpper(name) ? name.toLowerCase() : name;
}

function hasUpper(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) return true;
  }
  return false;
}

/**
 * Query pairs as a browser encodes them (`+` is a space, `%XX` decoded); a malformed escape is kept
 * as written rather than failing the request. A bare `flag` is the key `flag` with an empty value.
 */
export function parseQuery(query: string): QueryPair[] {
  const pairs: QueryPair[] = [];
  if (!query) return pairs;
  let start = 0;
  while (start <= query.length) {
    let end = query.indexOf('&', start);
    if (end < 0) end = query.length;
    if (end > start) {
      const part = query.slice(start, end);
      const eq = part.indexOf('=');
      const key = eq < 0 ? part : part.slice(0, eq);
      const value = eq < 0 ? '' : part.slice(eq + 1);
      pairs.push({ key: decode(key).toLowerCase(), value: decode(value).toLowerCase() });
    }
    start = end + 1;
  }
  return pairs;
}

function decode(s: string): string {
  const spaced = s.includes('+') ? s.replaceAll('+', ' ') : s;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** Lower-cases header names for callers (the route tester, the control API) that may not. */
export function normalizeHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else if (value !== undefined) out[key] = [...(Array.isArray(prev) ? prev : [prev]), ...(Array.isArray(value) ? value : [value])];
  }
  return out;
}
