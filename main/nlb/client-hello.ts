// Reads the server name (SNI) from a TLS ClientHello without decrypting or consuming anything: the
// caller keeps the bytes it buffered and replays them to the target. Pure, so garbage and records
// split anywhere are unit-tested.

/** What the bytes seen so far say. */
export type ClientHelloResult =
  /** A complete ClientHello; `serverName` is absent when the client sent no (usable) SNI. */
  | { kind: 'hello'; serverName: string | undefined }
  /** A ClientHello has begun but is not complete yet: buffer more and ask again. */
  | { kind: 'incomplete' }
  /** Not a TLS ClientHello (another protocol, SSLv2, or malformed): route without a name. */
  | { kind: 'not-tls'; reason: string };

const RECORD_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 0x01;
const EXTENSION_SERVER_NAME = 0x0000;
const NAME_TYPE_HOST = 0x00;
/** RFC 8446 5.1: a record's plaintext is at most 2^14 bytes. */
const MAX_RECORD = 1 << 14;
/** Larger than any ClientHello seen in practice (post-quantum key shares add ~1.2 KB); bounds buffering. */
export const MAX_CLIENT_HELLO = 64 * 1024;

/**
 * Looks at the first bytes of a connection. Handshake records are reassembled (a ClientHello may be
 * split over several records, and the bytes may stop anywhere); nothing is copied unless it spans
 * records.
 */
export function parseClientHello(bytes: Uint8Array): ClientHelloResult {
  if (bytes.length === 0) return { kind: 'incomplete' };
  if (bytes[0] !== RECORD_HANDSHAKE) return { kind: 'not-tls', reason: 'the first byte is not a TLS handshake record' };
  const parts: Uint8Array[] = [];
  let gathered = 0;
  let helloLength: number | undefined;
  let at = 0;
  while (at + 5 <= bytes.length) {
    if (bytes[at] !== RECORD_HANDSHAKE) return { kind: 'not-tls', reason: 'the ClientHello is interrupted by another record type' };
    if (bytes[at + 1] !== 3) return { kind: 'not-tls', reason: 'the record version is not TLS' };
    const length = (bytes[at + 3]! << 8) | bytes[at + 4]!;
    if (length === 0 || length > MAX_RECORD) return { kind: 'not-tls', reason: `a handshake record of ${length} bytes` };
    if (at + 5 + length > bytes.length) break;
    parts.push(bytes.subarray(at + 5, at + 5 + length));
    gathered += length;
    at += 5 + length;
    if (helloLength === undefined && gathered >= 4) {
      const head = gathered === parts[0]!.length ? parts[0]! : concat(parts);
      if (head[0] !== HANDSHAKE_CLIENT_HELLO) return { kind: 'not-tls', reason: 'the first handshake message is not a ClientHello' };
      helloLength = (head[1]! << 16) | (head[2]! << 8) | head[3]!;
      if (helloLength > MAX_CLIENT_HELLO) return { kind: 'not-tls', reason: `a ClientHello of ${helloLength} bytes` };
    }
    if (helloLength !== undefined && gathered >= 4 + helloLength) {
      const message = parts.length === 1 ? parts[0]! : concat(parts);
      return readHello(message.subarray(4, 4 + helloLength));
    }
  }
  // A record header alone already says whether this is a handshake: check what we can early.
  if (at + 2 <= bytes.length && bytes[at + 1] !== 3) return { kind: 'not-tls', reason: 'the record version is not TLS' };
  return { kind: 'incomplete' };
}

/** The ClientHello body (after the 4-byte handshake header): skip to the extensions, find server_name. */
function readHello(body: Uint8Array): ClientHelloResult {
  const r = new Reader(body);
  // legacy_version (2) + random (32)
  if (!r.skip(34)) return malformed('too short for version and random');
  const session = r.u8();
  if (session === undefined || session > 32 || !r.skip(session)) return malformed('bad session id');
  const suites = r.u16();
  if (suites === undefined || suites % 2 !== 0 || !r.skip(suites)) return malformed('bad cipher suites');
  const compression = r.u8();
  if (compression === undefined || !r.skip(compression)) return malformed('bad compression methods');
  // A ClientHello without extensions (old clients) is valid and carries no name.
  if (r.remaining === 0) return { kind: 'hello', serverName: undefined };
  const extensionsLength = r.u16();
  if (extensionsLength === undefined || extensionsLength > r.remaining) return malformed('bad extensions length');
  const end = r.offset + extensionsLength;
  while (r.offset + 4 <= end) {
    const type = r.u16()!;
    const length = r.u16()!;
    if (r.offset + length > end) return malformed('an extension overruns the list');
    if (type === EXTENSION_SERVER_NAME) return { kind: 'hello', serverName: readServerName(body.subarray(r.offset, r.offset + length)) };
    r.skip(length);
  }
  return { kind: 'hello', serverName: undefined };
}

/** RFC 6066 3: a list of (type, name); the first host_name wins. Names that are not DNS text are ignored. */
function readServerName(data: Uint8Array): string | undefined {
  const r = new Reader(data);
  const listLength = r.u16();
  if (listLength === undefined || listLength > r.remaining) return undefined;
  while (r.remaining >= 3) {
    const type = r.u8()!;
    const length = r.u16()!;
    if (length > r.remaining) return undefined;
    if (type === NAME_TYPE_HOST) return hostText(data.subarray(r.offset, r.offset + length));
    r.skip(length);
  }
  return undefined;
}

function hostText(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0 || bytes.length > 255) return undefined;
  let text = '';
  for (const b of bytes) {
    // Visible ASCII only, as rule matching considers (elbv2-model.md 2.2).
    if (b <= 0x20 || b >= 0x7f) return undefined;
    text += String.fromCharCode(b);
  }
  text = text.toLowerCase();
  return text.endsWith('.') ? text.slice(0, -1) : text;
}

function malformed(why: string): ClientHelloResult {
  return { kind: 'not-tls', reason: `malformed ClientHello: ${why}` };
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

class Reader {
  offset = 0;
  constructor(private readonly data: Uint8Array) {}
  get remaining(): number {
    return this.data.length - this.offset;
  }
  skip(n: number): boolean {
    if (n > this.remaining) return false;
    this.offset += n;
    return true;
  }
  u8(): number | undefined {
    if (this.remaining < 1) return undefined;
    return this.data[this.offset++];
  }
  u16(): number | undefined {
    if (this.remaining < 2) return undefined;
    const v = (this.data[this.offset]! << 8) | this.data[this.offset + 1]!;
    this.offset += 2;
    return v;
  }
}
