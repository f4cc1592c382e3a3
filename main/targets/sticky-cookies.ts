// Berth's stickiness cookies (AWSALB / AWSALBCORS, AWSALBAPP-0): the target id and an expiry,
// authenticated with a per-process key so a client cannot steer itself to a target it names.
import { createHmac, randomBytes } from 'node:crypto';

const key = randomBytes(32);
const SEVEN_DAYS_MS = 7 * 24 * 3600 * 1000;

export function encodeSticky(targetId: string, expiresAt: number): string {
  const body = Buffer.from(`${targetId}\n${expiresAt}`).toString('base64url');
  const mac = createHmac('sha256', key).update(body).digest('base64url').slice(0, 22);
  return `${body}.${mac}`;
}

export function decodeSticky(value: string, now: number): string | undefined {
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const body = value.slice(0, dot);
  const mac = createHmac('sha256', key).update(body).digest('base64url').slice(0, 22);
  if (mac !== value.slice(dot + 1)) return undefined;
  const [id, expires] = Buffer.from(body, 'base64url').toString().split('\n');
  if (!id || !expires || Number(expires) < now) return undefined;
  return id;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const prefix = `${name}=`;
  for (const part of header.split(';')) {
    const p = part.trim();
    if (p.startsWith(prefix)) return p.slice(prefix.length);
  }
  return undefined;
}

/** AWS's cookies carry a fixed 7-day Expires; the configured duration lives inside the value. */
export function stickyCookies(name: string, value: string, now: number): string[] {
  const expires = new Date(now + SEVEN_DAYS_MS).toUTCString();
  return [`${name}=${value}; Expires=${expires}; Path=/`, `${name}CORS=${value}; Expires=${expires}; Path=/; SameSite=None; Secure`];
}

export function appStickyCookie(value: string, now: number): string {
  return `AWSALBAPP-0=${value}; Expires=${new Date(now + SEVEN_DAYS_MS).toUTCString()}; Path=/`;
}
