// The headers Berth owns on the way to a target (elbv2-model.md 5.3): Host as AWS rewrites it,
// X-Forwarded-For by the load balancer's mode, X-Forwarded-Proto/Port of the listener, and
// X-Amzn-Trace-Id in AWS's `Root=1-<epoch hex>-<24 hex>` form.
import { randomFillSync } from 'node:crypto';
import type { RequestHead } from './request-head.js';

export interface ForwardingPolicy {
  readonly port: number;
  readonly portText: string;
  readonly proto: 'http' | 'https';
  /** Host for HTTP/1.0 requests without one (AWS uses the load balancer's DNS name). */
  readonly fallbackHost: string;
  readonly xff: 'append' | 'preserve' | 'remove';
  readonly preserveHost: boolean;
}

/** Appends Berth's headers to `head.headers`; returns the trace id's Root for the traffic record. */
export function addForwardingHeaders(head: RequestHead, policy: ForwardingPolicy, clientIp: string, nowMs: number): string {
  const out = head.headers;
  out.push('host', forwardedHost(head, policy));
  if (policy.xff === 'append') out.push('x-forwarded-for', head.forwardedFor === undefined ? clientIp : `${head.forwardedFor}, ${clientIp}`);
  else if (policy.xff === 'preserve' && head.forwardedFor !== undefined) out.push('x-forwarded-for', head.forwardedFor);
  out.push('x-forwarded-proto', policy.proto, 'x-forwarded-port', policy.portText);
  if (head.traceId === undefined) {
    // The common case, kept free of the parsing below.
    const id = newTraceId(nowMs);
    out.push('x-amzn-trace-id', `Root=${id}`);
    return id;
  }
  const trace = traceHeader(head.traceId, nowMs);
  out.push('x-amzn-trace-id', trace.header);
  return trace.root;
}

export function forwardedHost(head: RequestHead, policy: ForwardingPolicy): string {
  if (policy.preserveHost && head.hostCount > 0) return head.host;
  const received = head.routingHost || policy.fallbackHost;
  const host = lower(received);
  const portAt = portIndex(host);
  if (policy.port === 80 || policy.port === 443) return portAt < 0 ? host : host.slice(0, portAt);
  return portAt < 0 ? `${host}:${policy.portText}` : host;
}

/** Index of the `:` before a port, or -1; IPv6 literals are bracketed (`[::1]:8080`). */
function portIndex(host: string): number {
  if (host.charCodeAt(0) === 91 /* [ */) {
    const close = host.indexOf(']');
    return close > 0 && host.charCodeAt(close + 1) === 58 ? close + 1 : -1;
  }
  return host.indexOf(':');
}

function lower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) return s.toLowerCase();
  }
  return s;
}

// AWS rewrites an oversized header (over 7 KB) to a fresh Root rather than growing it further.
const TRACE_MAX = 7 * 1024;

// Trace ids are made on every forwarded request: random bytes come from a pool refilled in bulk
// and the epoch part is formatted once per second.
const RANDOM = Buffer.allocUnsafe(12 * 1024);
let randomAt = RANDOM.length;
let epochSecond = -1;
let epochHex = '';

/** A new id `1-<8 hex epoch seconds>-<24 hex random>`. */
export function newTraceId(nowMs: number): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== epochSecond) {
    epochSecond = second;
    epochHex = second.toString(16).padStart(8, '0');
  }
  if (randomAt === RANDOM.length) {
    randomFillSync(RANDOM);
    randomAt = 0;
  }
  const random = RANDOM.toString('hex', randomAt, randomAt + 12);
  randomAt += 12;
  return `1-${epochHex}-${random}`;
}

/**
 * Absent → `Root=<new>`. With a Root → `Self=<new>;` in front, Root and custom fields kept, an older
 * Self replaced. Without a Root (custom fields only) → a Root is added in front of them.
 */
export function traceHeader(incoming: string | undefined, nowMs: number): { header: string; root: string } {
  const id = newTraceId(nowMs);
  if (incoming === undefined || incoming.trim() === '' || incoming.length > TRACE_MAX) return { header: `Root=${id}`, root: id };
  const fields = incoming
    .split(';')
    .map((f) => f.trim())
    .filter((f) => f && !/^self=/i.test(f));
  const rootField = fields.find((f) => /^root=/i.test(f));
  if (rootField) return { header: [`Self=${id}`, ...fields].join(';'), root: rootField.slice(5) };
  return { header: [`Root=${id}`, ...fields].join(';'), root: id };
}
