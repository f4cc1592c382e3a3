// The control API's gatekeeping, kept apart so it is easy to read and test: a web page must never be
// able to drive Berth. Loopback Host only (DNS-rebinding defence), the dashboard's own Origin only,
// and the per-run token on every API call.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

export function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host.toLowerCase());
  if (!m) return false;
  return LOOPBACK_NAMES.has(m[1]!) && (m[2] === undefined ? false : Number(m[2]) === port);
}

/** No Origin (curl, the CLI, Node) is fine; a browser's Origin must be the dashboard's own. */
export function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  try {
    const u = new URL(origin);
    return u.protocol === 'http:' && LOOPBACK_NAMES.has(u.hostname === '::1' ? '[::1]' : u.hostname) && Number(u.port) === port;
  } catch {
    return false;
  }
}

export function tokenMatches(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
}
