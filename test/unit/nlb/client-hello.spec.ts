// The ClientHello SNI reader: real ClientHellos from Node's TLS client, hand-built ones, records split
// into fragments and bytes cut anywhere, and garbage that must never throw or pass for TLS.
import * as net from 'node:net';
import * as tls from 'node:tls';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_CLIENT_HELLO, parseClientHello } from '../../../main/nlb/client-hello.js';

/** The first bytes Node's TLS client sends (its ClientHello), captured on a plain TCP server. */
async function captureHello(servername: string | undefined): Promise<Buffer> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      server.once('connection', (socket) => {
        let bytes = Buffer.alloc(0);
        socket.on('data', (chunk: Buffer) => {
          bytes = Buffer.concat([bytes, chunk]);
          if (parseClientHello(bytes).kind !== 'incomplete') {
            socket.destroy();
            resolve(bytes);
          }
        });
        socket.on('error', () => undefined);
      });
      const client = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...(servername ? { servername } : {}) });
      client.on('error', () => undefined);
      setTimeout(() => reject(new Error('no ClientHello')), 5000).unref();
    });
  } finally {
    server.close();
  }
}

const u16 = (n: number) => [n >> 8, n & 0xff];
const u24 = (n: number) => [n >> 16, (n >> 8) & 0xff, n & 0xff];

/** A ClientHello handshake message (type, length, body) with the given extensions. */
function helloMessage(extensions: number[][] | undefined, options: { session?: number } = {}): Buffer {
  const session = options.session ?? 32;
  const body = [0x03, 0x03, ...new Array<number>(32).fill(7), session, ...new Array<number>(session).fill(1), ...u16(4), 0x13, 0x01, 0x13, 0x02, 1, 0];
  if (extensions) {
    const all = extensions.flat();
    body.push(...u16(all.length), ...all);
  }
  return Buffer.from([0x01, ...u24(body.length), ...body]);
}

function sniExtension(...names: [type: number, name: string][]): number[] {
  const list = names.flatMap(([type, name]) => [type, ...u16(name.length), ...Buffer.from(name, 'latin1')]);
  const data = [...u16(list.length), ...list];
  return [...u16(0), ...u16(data.length), ...data];
}

const otherExtension = (type: number, length: number) => [...u16(type), ...u16(length), ...new Array<number>(length).fill(0xab)];

/** Wraps a handshake message into TLS records of at most `size` bytes each. */
function records(message: Buffer, size = 1 << 14): Buffer {
  const out: number[] = [];
  for (let at = 0; at < message.length; at += size) {
    const part = message.subarray(at, Math.min(message.length, at + size));
    out.push(0x16, 0x03, 0x01, ...u16(part.length), ...part);
  }
  return Buffer.from(out);
}

/** The handshake message inside a single-record capture. */
function messageOf(captured: Buffer): Buffer {
  const length = captured.readUInt16BE(3);
  return captured.subarray(5, 5 + length);
}

describe('parseClientHello', () => {
  it("reads the server name of Node's real ClientHello, lower-cased", async () => {
    const bytes = await captureHello('API.Demo.Localhost');
    expect(parseClientHello(bytes)).toEqual({ kind: 'hello', serverName: 'api.demo.localhost' });
  });

  it('a ClientHello without SNI is a hello without a name', async () => {
    const bytes = await captureHello(undefined);
    expect(parseClientHello(bytes)).toEqual({ kind: 'hello', serverName: undefined });
    expect(parseClientHello(records(helloMessage(undefined)))).toEqual({ kind: 'hello', serverName: undefined });
    expect(parseClientHello(records(helloMessage([otherExtension(10, 8)])))).toEqual({ kind: 'hello', serverName: undefined });
  });

  it('every strict prefix is incomplete; the whole is the hello', async () => {
    const bytes = await captureHello('db.internal.localhost');
    for (let n = 0; n < bytes.length; n++) expect(parseClientHello(bytes.subarray(0, n)).kind, `prefix of ${n} bytes`).toBe('incomplete');
    expect(parseClientHello(bytes)).toEqual({ kind: 'hello', serverName: 'db.internal.localhost' });
  });

  it('reassembles a ClientHello fragmented over many records, cut anywhere', async () => {
    const message = messageOf(await captureHello('split.example.localhost'));
    for (const size of [1, 2, 3, 5, 50, 333]) {
      const bytes = records(message, size);
      expect(parseClientHello(bytes), `records of ${size} bytes`).toEqual({ kind: 'hello', serverName: 'split.example.localhost' });
      for (const cut of [1, 4, 5, 6, 9, Math.floor(bytes.length / 2), bytes.length - 1]) {
        expect(parseClientHello(bytes.subarray(0, cut)).kind, `records of ${size}, cut at ${cut}`).toBe('incomplete');
      }
    }
  });

  it('ignores bytes after the ClientHello (early data, the next record)', () => {
    const bytes = Buffer.concat([records(helloMessage([sniExtension([0, 'a.localhost'])])), Buffer.from([0x17, 0x03, 0x03, 0x00, 0x10, 1, 2, 3])]);
    expect(parseClientHello(bytes)).toEqual({ kind: 'hello', serverName: 'a.localhost' });
  });

  it('finds server_name after other extensions, takes the first host_name, drops a trailing dot', () => {
    const ext = [otherExtension(43, 3), otherExtension(51, 40), sniExtension([1, 'not-a-host'], [0, 'First.localhost.'], [0, 'second.localhost'])];
    expect(parseClientHello(records(helloMessage(ext, { session: 0 })))).toEqual({ kind: 'hello', serverName: 'first.localhost' });
  });

  it('a name with control or non-ASCII bytes is no name', () => {
    expect(parseClientHello(records(helloMessage([sniExtension([0, 'bad\u0001name'])])))).toEqual({ kind: 'hello', serverName: undefined });
    expect(parseClientHello(records(helloMessage([sniExtension([0, 'caf\u00e9.localhost'])])))).toEqual({ kind: 'hello', serverName: undefined });
    expect(parseClientHello(records(helloMessage([sniExtension([0, ''])])))).toEqual({ kind: 'hello', serverName: undefined });
  });

  it('other protocols are not TLS, at the first byte', () => {
    expect(parseClientHello(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))).toMatchObject({ kind: 'not-tls' });
    expect(parseClientHello(Buffer.from('SSH-2.0-OpenSSH_9.6\r\n'))).toMatchObject({ kind: 'not-tls' });
    // An SSLv2-compatible hello (length with the high bit) carries no SNI.
    expect(parseClientHello(Buffer.from([0x80, 0x2e, 0x01, 0x03, 0x01]))).toMatchObject({ kind: 'not-tls' });
    expect(parseClientHello(Buffer.from([0x16]))).toEqual({ kind: 'incomplete' });
    expect(parseClientHello(Buffer.from([0x16, 0x09]))).toMatchObject({ kind: 'not-tls' });
  });

  it('malformed handshakes are not TLS: wrong message, bad lengths, interrupted records', () => {
    const serverHello = Buffer.from([0x02, ...u24(4), 0, 0, 0, 0]);
    expect(parseClientHello(records(serverHello))).toMatchObject({ kind: 'not-tls', reason: expect.stringContaining('not a ClientHello') });
    expect(parseClientHello(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x00]))).toMatchObject({ kind: 'not-tls' });
    expect(parseClientHello(Buffer.from([0x16, 0x03, 0x01, 0x50, 0x00]))).toMatchObject({ kind: 'not-tls' });
    const tooBig = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 0x01, ...u24(MAX_CLIENT_HELLO + 1)]);
    expect(parseClientHello(tooBig)).toMatchObject({ kind: 'not-tls', reason: expect.stringContaining('bytes') });
    // A handshake record followed by an alert before the hello is complete.
    const message = helloMessage([sniExtension([0, 'x.localhost'])]);
    const first = records(message.subarray(0, 10));
    expect(parseClientHello(Buffer.concat([first, Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 2, 40])]))).toMatchObject({ kind: 'not-tls' });
    // Declared lengths that overrun the message.
    const body = helloMessage([sniExtension([0, 'x.localhost'])]);
    const overrun = Buffer.from(body);
    overrun.writeUInt16BE(0xffff, overrun.length - sniExtension([0, 'x.localhost']).length - 2);
    expect(parseClientHello(records(overrun))).toMatchObject({ kind: 'not-tls', reason: expect.stringContaining('malformed') });
    const badSession = helloMessage(undefined, { session: 0 });
    badSession[4 + 34] = 33;
    expect(parseClientHello(records(badSession))).toMatchObject({ kind: 'not-tls' });
  });

  it('random bytes never throw, and random bytes behind a handshake header never yield a name', () => {
    for (let i = 0; i < 2000; i++) {
      const garbage = randomBytes(1 + (i % 300));
      expect(() => parseClientHello(garbage)).not.toThrow();
      const framed = Buffer.concat([Buffer.from([0x16, 0x03, 0x01, ...u16(garbage.length + 4), 0x01, ...u24(garbage.length)]), garbage]);
      const result = parseClientHello(framed);
      expect(result.kind === 'hello' && result.serverName !== undefined && !/^[\x21-\x7e]+$/.test(result.serverName)).toBe(false);
    }
  });
});
