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

/** Two Host headers are ambiguous (which one did the checks see?): refused outright. */
export function singleHost(rawHeaders: string[]): boolean {
  let hosts = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === 'host') hosts++;
  return hosts <= 1;
}

/**
 * The request target as a URL, or undefined when it is not a path (origin-form). The target is put
 * after a fixed origin rather than resolved against it, so `//a:99999/` stays a path instead of
 * becoming an authority that fails to parse.
 */
export function requestUrl(target: string | undefined): URL | undefined {
  if (!target?.startsWith('/')) return undefined;
  const text = `http://control.invalid${target}`;
  return URL.canParse(text) ? new URL(text) : undefined;
}
