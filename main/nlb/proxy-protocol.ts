// PROXY protocol version 2 headers (haproxy's proxy-protocol.txt, section 2.2), as an NLB prepends
// them when a target group has proxy_protocol_v2 enabled: pure bytes, no sockets, so tests pin them.
import { parseIPv4, parseIPv6 } from '../../shared/model/index.js';

/** The 12 bytes every v2 header starts with: `\r\n\r\n\0\r\nQUIT\n`. */
export const PROXY_V2_SIGNATURE: Buffer = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

/** Version 2 in the high nibble; the command in the low one. */
export const PROXY_V2_COMMAND = { LOCAL: 0x20, PROXY: 0x21 } as const;

/** Address family in the high nibble (1 INET, 2 INET6), transport in the low one (1 STREAM, 2 DGRAM). */
export const PROXY_V2_FAMILY = { UNSPEC: 0x00, TCP4: 0x11, UDP4: 0x12, TCP6: 0x21, UDP6: 0x22 } as const;

export type ProxyTransport = 'stream' | 'dgram';

export interface ProxyEndpoints {
  /** The client as the listener saw it (IPv4-mapped IPv6 addresses are sent as IPv4). */
  sourceAddress: string;
  sourcePort: number;
  /** The listener's own address and port, where the client connected to. */
  destinationAddress: string;
  destinationPort: number;
}

/**
 * The PROXY header for one TCP connection (`stream`) or UDP flow (`dgram`). Both addresses are sent
 * in one family: IPv4 when both are IPv4 (or IPv4-mapped), otherwise IPv6 with IPv4 ones mapped,
 * because the format has no way to mix them. Throws on a text that is not an IP address.
 */
export function encodeProxyV2(endpoints: ProxyEndpoints, transport: ProxyTransport = 'stream'): Buffer {
  const src = addressBytes(endpoints.sourceAddress);
  const dst = addressBytes(endpoints.destinationAddress);
  const v4 = src.length === 4 && dst.length === 4;
  const srcBytes = v4 ? src : toV6(src);
  const dstBytes = v4 ? dst : toV6(dst);
  const family = v4 ? (transport === 'stream' ? PROXY_V2_FAMILY.TCP4 : PROXY_V2_FAMILY.UDP4) : transport === 'stream' ? PROXY_V2_FAMILY.TCP6 : PROXY_V2_FAMILY.UDP6;
  const addressLength = srcBytes.length * 2 + 4;
  const out = Buffer.alloc(16 + addressLength);
  PROXY_V2_SIGNATURE.copy(out, 0);
  out[12] = PROXY_V2_COMMAND.PROXY;
  out[13] = family;
  out.writeUInt16BE(addressLength, 14);
  let at = 16;
  out.set(srcBytes, at);
  at += srcBytes.length;
  out.set(dstBytes, at);
  at += dstBytes.length;
  out.writeUInt16BE(port(endpoints.sourcePort), at);
  out.writeUInt16BE(port(endpoints.destinationPort), at + 2);
  return out;
}

/** A LOCAL header (no addresses): what a load balancer sends on its own connections, e.g. health checks. */
export function encodeProxyV2Local(): Buffer {
  const out = Buffer.alloc(16);
  PROXY_V2_SIGNATURE.copy(out, 0);
  out[12] = PROXY_V2_COMMAND.LOCAL;
  out[13] = PROXY_V2_FAMILY.UNSPEC;
  return out;
}

/** 4 bytes for IPv4 and IPv4-mapped IPv6 (`::ffff:a.b.c.d`), else 16. */
function addressBytes(address: string): Uint8Array {
  const v4 = parseIPv4(address);
  if (v4) return v4;
  const v6 = parseIPv6(address);
  if (!v6) throw new TypeError(`not an IP address: ${JSON.stringify(address)}`);
  const mapped = v6.subarray(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return mapped ? v6.slice(12) : v6;
}

function toV6(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 16) return bytes;
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(bytes, 12);
  return out;
}

function port(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new RangeError(`not a port: ${n}`);
  return n;
}
