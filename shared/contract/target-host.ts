// The host of a target registered through the API: an IPv4 address, an IPv6 address (bracketed as in
// a URL, or bare) or a DNS name; nothing else reaches the connection code or the target's id.
import { z } from 'zod';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

function isIpv6(text: string): boolean {
  return /^[0-9A-Fa-f:.]+$/.test(text) && text.includes(':') && URL.canParse(`http://[${text}]/`);
}

function isDnsName(text: string): boolean {
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  // A name made only of digits and dots would be read as an (invalid) IPv4 address.
  return name.length > 0 && name.length <= 253 && !/^[\d.]+$/.test(name) && name.split('.').every((label) => LABEL.test(label));
}

/** The host without IPv6 brackets, for connecting; the schema has already vouched for it. */
export function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export function isTargetHost(host: string): boolean {
  const bare = bareHost(host);
  if (bare !== host) return isIpv6(bare);
  return IPV4.test(host) || isIpv6(host) || isDnsName(host);
}

export const targetHostSchema = z
  .string()
  .min(1)
  .max(255)
  .refine(isTargetHost, 'must be an IPv4 address (127.0.0.1), an IPv6 address ([::1]) or a DNS name (api.internal), without a port');
