// Both upstream clients (the native one and undici's), chosen as a user would with
// BERTH_UPSTREAM_CLIENT, through a real listener to real servers on loopback (Node's http server, and
// raw sockets where a target has to misbehave exactly): connections are reused, a stale one is
// retried for a request that is safe to repeat, response framings of every kind arrive whole,
// oversized heads are refused, the path goes verbatim, a slow client slows the target down, and
// requests beyond the connection limit wait.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UPSTREAM_CLIENT_ENV, upstreamClient, type UpstreamHandler } from '../../../main/alb/upstream/index.js';
import { eventually } from '../../helpers/eventually.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { cleanup, onCleanup, raw, request, startListener, startTarget, targetGroup } from './alb-fixtures.js';

afterEach(cleanup);

/** A raw TCP target: `answer` gets each request's head and the socket, and its count on that socket. */
async function rawTarget(answer: (head: string, socket: net.Socket, nth: number) => void): Promise<{ id: string; host: string; port: number; connections: () => number }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    let buffered = '';
    let nth = 0;
    socket.on('error', () => undefined);
    socket.on('data', (d) => {
      buffered += d.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n\r\n')) >= 0) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        answer(head, socket, ++nth);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise((resolve) => server.close(resolve)));
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => (sockets.add(s), s.once('close', () => sockets.delete(s))));
  onCleanup(() => sockets.forEach((s) => s.destroy()));
  return { id: 'raw-1', host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, connections: () => connections };
}

const ok = (body: string, extra = '') => `HTTP/1.1 200 OK\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

async function through(target: { id: string; host: string; port: number }) {
  const { port, records } = await startListener({ listener: { defaultAction: { forward: 'g' } } }, [targetGroup('g', [target])]);
  return { port, records };
}

describe.each(['native', 'undici'] as const)('the %s upstream client', (kind) => {
  const before = process.env[UPSTREAM_CLIENT_ENV];
  beforeAll(() => {
    process.env[UPSTREAM_CLIENT_ENV] = kind;
  });
  afterAll(() => {
    if (before === undefined) delete process.env[UPSTREAM_CLIENT_ENV];
    else process.env[UPSTREAM_CLIENT_ENV] = before;
  });

  it('is the one the setting asks for', async () => {
    expect(upstreamClient().kind).toBe(kind);
    const { listener } = await startListener({ listener: { defaultAction: { forward: 'g' } } }, [targetGroup('g', [])]);
    expect(listener.upstreamClient).toBe(kind);
  });

  it('sends the path and query exactly as the client wrote them', async () => {
    const target = await rawTarget((head, socket) => socket.write(ok(head.split('\r\n')[0]!)));
    const { port } = await through(target);
    const path = '/a/../b//c/%2e%2E/%2F?q=1&q=%zz&x=/../y#';
    expect((await raw(port, `GET ${path} HTTP/1.1\r\nHost: h.test\r\nConnection: close\r\n\r\n`)).split('\r\n\r\n')[1]).toBe(`GET ${path} HTTP/1.1`);
  });

  it('reaches an HTTPS target with a self-signed certificate, unverified as AWS does, on one kept connection', async () => {
    const temp = await tempDir();
    onCleanup(() => temp.remove());
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=self.signed', '-days', '1',
      '-keyout', join(temp.path, 'key.pem'), '-out', join(temp.path, 'cert.pem')], { stdio: 'ignore' });
    let handshakes = 0;
    const server = https.createServer({ key: readFileSync(join(temp.path, 'key.pem')), cert: readFileSync(join(temp.path, 'cert.pem')) }, (req, res) => res.end(`secure ${req.url}`));
    server.on('secureConnection', () => handshakes++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))));
    const target = { id: 'secure-1', host: '127.0.0.1', port: (server.address() as net.AddressInfo).port };
    const { port } = await startListener({ listener: { defaultAction: { forward: 's' } } }, [targetGroup('s', [target], { protocol: 'HTTPS' })]);
    for (let i = 0; i < 3; i++) expect(await request(port, `/x/${i}`)).toMatchObject({ status: 200, body: `secure /x/${i}` });
    expect(handshakes).toBe(1);
  });

  it('slows the target down to a client that does not read, then delivers every byte', async () => {
    const total = 64 * 1024 * 1024;
    let written = 0;
    let stalledAt = -1;
    const target = await startTarget('t', (_req, res) => {
      res.writeHead(200, { 'content-length': total });
      const chunk = Buffer.alloc(64 * 1024, 120);
      const pump = () => {
        while (written < total) {
          written += chunk.length;
          if (!res.write(chunk)) {
            if (stalledAt < 0) stalledAt = written;
            return void res.once('drain', pump);
          }
        }
        res.end();
      };
      pump();
    });
    const { port } = await through(target);
    const socket = net.connect(port, '127.0.0.1');
    onCleanup(() => socket.destroy());
    socket.write('GET / HTTP/1.1\r\nHost: h.test\r\nConnection: close\r\n\r\n');
    socket.pause();
    // Nothing read for a while: the target is held back well before it has sent everything.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const heldAt = written;
    expect(heldAt).toBeLessThan(total / 2);
    let received = 0;
    await new Promise<void>((resolve, reject) => {
      socket.on('data', (d: Buffer) => (received += d.length));
      socket.on('end', resolve);
      socket.on('error', reject);
      socket.resume();
    });
    expect(received).toBeGreaterThan(total);
    expect(written).toBe(total);
  });

  it('gives up the request to the target when the client goes away mid-response', async () => {
    let targetClosed = false;
    const target = await startTarget('t', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first part');
      res.on('close', () => (targetClosed = true));
    });
    const { port, records } = await through(target);
    const socket = net.connect(port, '127.0.0.1');
    socket.write('GET /slow HTTP/1.1\r\nHost: h.test\r\n\r\n');
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.destroy();
    await eventually(() => expect(targetClosed).toBe(true));
    await eventually(() => expect(records.map((r) => r.error)).toEqual(['CLIENT_CLOSED']));
  });

  it('reuses one connection to the target for requests in sequence', async () => {
    const target = await startTarget('t', (req, res) => res.end(String(req.socket.remotePort)));
    const { port } = await through(target);
    const ports = new Set<string>();
    for (let i = 0; i < 20; i++) ports.add((await request(port, '/')).body);
    expect(ports.size).toBe(1);
  });

  it('carries on when the target closed an idle connection (Node servers close after 5 s; here 150 ms)', async () => {
    const target = await startTarget('t', (_req, res) => res.end('fine'));
    target.server.keepAliveTimeout = 150;
    const { port } = await through(target);
    expect((await request(port, '/')).body).toBe('fine');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await request(port, '/')).body).toBe('fine');
  });

  it('retries a GET once on a fresh connection when a reused one was dead, but never a POST', async () => {
    // The second request on any connection finds it closed without an answer, as when a target's
    // keep-alive timer fires just as Berth sends.
    const target = await rawTarget((head, socket, nth) => (nth === 1 ? socket.write(ok(`${head.split(' ')[0]} answered`)) : socket.destroy()));
    const { port, records } = await through(target);
    expect((await request(port, '/')).body).toBe('GET answered');
    // A POST meets the dead connection and is not repeated: the target might have acted on it.
    const lost = await request(port, '/', { method: 'POST', headers: { 'content-length': '0' } });
    expect(lost.status).toBe(502);
    expect(lost.headers['x-berth-error']).toBe('TARGET_CONNECTION_RESET');
    expect((await request(port, '/', { method: 'POST', headers: { 'content-length': '0' } })).body).toBe('POST answered');
    expect(target.connections()).toBe(2);
    // A GET meets the same fate on that second connection, and is sent again on a third.
    expect(await request(port, '/')).toMatchObject({ status: 200, body: 'GET answered' });
    expect(target.connections()).toBe(3);
    expect(records.map((r) => [r.method, r.status, r.error])).toEqual([
      ['GET', 200, undefined],
      ['POST', 502, 'TARGET_CONNECTION_RESET'],
      ['POST', 200, undefined],
      ['GET', 200, undefined],
    ]);
  });

  it('passes on a body delimited by the connection closing', async () => {
    const target = await rawTarget((_head, socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the end'));
    const { port } = await through(target);
    const reply = await request(port, '/');
    expect(reply).toMatchObject({ status: 200, body: 'until the end' });
  });

  it('skips 1xx answers (103 Early Hints) and passes on the final response', async () => {
    const target = await rawTarget((_head, socket) => socket.write(`HTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload\r\n\r\n${ok('final')}`));
    const { port } = await through(target);
    expect(await request(port, '/')).toMatchObject({ status: 200, body: 'final' });
  });

  it('answers HEAD with the head only and keeps the connection for the next request', async () => {
    const target = await rawTarget((head, socket) => socket.write(head.startsWith('HEAD') ? 'HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n' : ok('after head')));
    const { port } = await through(target);
    const head = await request(port, '/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('1000');
    expect((await request(port, '/')).body).toBe('after head');
    // undici closes the connection after a HEAD answer unless the target says `Connection: keep-alive`.
    expect(target.connections()).toBe(kind === 'native' ? 1 : 2);
  });

  it('passes on 40 response headers, past the parser’s first batch of 32', async () => {
    const extra = Array.from({ length: 40 }, (_, i) => `x-h${i}: v${i}\r\n`).join('');
    const target = await rawTarget((_head, socket) => socket.write(ok('many', extra)));
    const { port } = await through(target);
    const reply = await request(port, '/');
    expect(reply.body).toBe('many');
    for (let i = 0; i < 40; i++) expect(reply.headers[`x-h${i}`]).toBe(`v${i}`);
  });

  it('answers 502 for a response head over 32 KB, as AWS does', async () => {
    const target = await rawTarget((_head, socket) => socket.write(ok('big', `x-big: ${'a'.repeat(40 * 1024)}\r\n`)));
    const { port } = await through(target);
    const reply = await request(port, '/');
    expect(reply.status).toBe(502);
    expect(reply.headers['x-berth-error']).toBe('TARGET_INVALID_RESPONSE');
  });

  it('stops reusing a connection past the target’s Keep-Alive timeout hint', async () => {
    const target = await rawTarget((_head, socket) => socket.write(ok('hinted', 'keep-alive: timeout=2\r\n')));
    const { port } = await through(target);
    await request(port, '/');
    await request(port, '/');
    expect(target.connections()).toBe(1);
    // The hint says 2 s; Berth keeps a second's margin, so after 1.3 s idle it opens a new one.
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    await request(port, '/');
    expect(target.connections()).toBe(2);
  });

  it('answers 502 when a connection to the target cannot even be started, and serves the next request', async () => {
    const good = await startTarget('good', (_req, res) => res.end('fine'));
    const { port: broken } = await through({ id: 'port-70000', host: '127.0.0.1', port: 70_000 });
    const reply = await request(broken, '/');
    expect(reply.status).toBe(502);
    expect(reply.headers['x-berth-error']).toBe('TARGET_ERROR');
    const { port } = await through(good);
    expect((await request(port, '/')).body).toBe('fine');
  });

  it('holds requests beyond its connection limit until a connection is free', async () => {
    let open = 0;
    let most = 0;
    const server = http.createServer((_req, res) => {
      setTimeout(() => res.end('done'), 30);
    });
    server.on('connection', (s) => {
      most = Math.max(most, ++open);
      s.once('close', () => open--);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))));
    const pool = upstreamClient(kind).createPool({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, tls: false, connectTimeoutMs: 1_000, maxConnections: 2 });
    onCleanup(() => pool.close());
    const one = () =>
      new Promise<string>((resolve, reject) => {
        let body = '';
        const handler: UpstreamHandler = {
          upstreamConnection: undefined,
          onUpstreamConnect: () => undefined,
          onUpstreamHeaders: () => undefined,
          onUpstreamData: (chunk) => ((body += chunk.toString()), true),
          onUpstreamComplete: () => resolve(body),
          onUpstreamError: reject,
        };
        pool.dispatch(handler, 'GET', '/', ['host', 'x.localhost'], null, 5_000);
      });
    expect(await Promise.all(Array.from({ length: 8 }, one))).toEqual(Array(8).fill('done'));
    expect(most).toBe(2);
  });
});
