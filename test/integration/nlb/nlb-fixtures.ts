// Loopback fixtures for the network listeners: real TCP/TLS target servers on 127.0.0.1, the real
// target-group runtime (health checks off, so targets route at once), a listener built from a
// berth.yaml-shaped config, and clients that count, hash and half-close. Everything closes in cleanup().
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { TcpListener, type TcpListenerOptions } from '../../../main/nlb/index.js';
import { TargetGroupRuntime } from '../../../main/targets/index.js';
import { loadBalancerSchema, targetGroupSchema, type TrafficRecord } from '../../../shared/model/index.js';
import { freePort } from '../../helpers/free-port.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];

/** Closes everything the fixtures started, newest first; call from afterEach. */
export async function cleanup(): Promise<void> {
  while (cleanups.length) await cleanups.pop()!();
}

export function onCleanup(fn: () => Promise<unknown> | unknown): void {
  cleanups.push(fn);
}

export interface TestTarget {
  id: string;
  host: string;
  port: number;
  server: net.Server;
  /** Connections accepted so far. */
  accepted: number;
}

/** Listens on a free loopback port; closing also cuts the connections still open. */
export async function serve(id: string, server: net.Server): Promise<TestTarget> {
  const sockets = new Set<net.Socket>();
  const target: TestTarget = { id, host: '127.0.0.1', port: 0, server, accepted: 0 };
  server.on('connection', (s: net.Socket) => {
    target.accepted++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target.port = (server.address() as net.AddressInfo).port;
  cleanups.push(() => new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(resolve);
  }));
  return target;
}

/** Echoes every byte; on the client's FIN it sends `tail` (if any) and then ends: half-close. */
export function startEcho(id: string, options: { tail?: string; tailDelayMs?: number } = {}): Promise<TestTarget> {
  return serve(id, net.createServer({ allowHalfOpen: true }, (socket) => {
    const tail = options.tail;
    socket.pipe(socket, { end: tail === undefined });
    if (tail !== undefined) socket.once('end', () => setTimeout(() => socket.end(tail), options.tailDelayMs ?? 100));
  }));
}

/** A port nothing listens on (connections are refused). */
export async function refusedPort(): Promise<number> {
  return freePort();
}

/** A target group at runtime over `targets`, TCP unless `config` says otherwise. */
export function targetGroup(name: string, targets: { id: string; host: string; port: number }[], config: Record<string, unknown> = {}): TargetGroupRuntime {
  const group = new TargetGroupRuntime(targetGroupSchema.parse({ name, protocol: 'TCP', ...config }), { healthChecks: false });
  group.setTargets(targets.map((t) => ({ id: t.id, host: t.host, port: t.port, source: 'static' as const })));
  cleanups.push(() => group.close());
  return group;
}

export interface RunningListener {
  listener: TcpListener;
  port: number;
  records: TrafficRecord[];
}

/** A TCP listener from a listener config (berth.yaml shape, defaults applied by the schema). */
export async function startListener(listenerInput: Record<string, unknown>, groups: TargetGroupRuntime[], extra: Partial<TcpListenerOptions> = {}): Promise<RunningListener> {
  const port = (listenerInput.port as number | undefined) ?? (await freePort());
  const loadBalancer = loadBalancerSchema.parse({ name: 'test-nlb', type: 'network', listeners: [{ port, protocol: 'TCP', ...listenerInput }] });
  const records: TrafficRecord[] = [];
  let id = 0;
  const listener = new TcpListener({
    listener: loadBalancer.listeners[0]!,
    loadBalancer,
    resolveTargetGroup: (name) => groups.find((g) => g.name === name),
    recorder: { nextId: () => ++id, record: (r) => records.push(r) },
    ...extra,
  });
  await listener.start();
  cleanups.push(() => listener.stop());
  return { listener, port, records };
}

export interface Exchange {
  data: Buffer;
  /** How the connection ended on our side: a clean FIN, or an error code such as ECONNRESET. */
  ended: 'end' | string;
}

/** Connects, writes `payload`, half-closes, and collects everything until the server ends. */
export function exchange(port: number, payload: Buffer | string, host = '127.0.0.1'): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    let ended: string | undefined;
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => {
      ended ??= 'end';
      socket.end();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => (ended ??= err.code ?? err.message));
    socket.on('close', () => resolve({ data: Buffer.concat(chunks), ended: ended ?? 'close' }));
    socket.end(payload);
  });
}

/** Deterministic bytes: `size` of them, built from a repeated pseudo-random 64 KiB block. */
export function pattern(size: number, seed = 1): Buffer {
  const block = Buffer.alloc(64 * 1024);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < block.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    block[i] = x & 0xff;
  }
  const out = Buffer.alloc(size);
  for (let at = 0; at < size; at += block.length) block.copy(out, at, 0, Math.min(block.length, size - at));
  return out;
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A self-signed certificate for `name` (OpenSSL, P-256), for targets that present their own. */
export function selfSigned(name: string): Promise<{ key: string; cert: string }> {
  return new Promise((resolve, reject) => {
    const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`, '-keyout', '-', '-out', '-'];
    execFile('openssl', args, { timeout: 20_000 }, (err, stdout) => {
      if (err) return reject(err);
      const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n/.exec(stdout)?.[0];
      const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/.exec(stdout)?.[0];
      if (!key || !cert) return reject(new Error(`openssl gave no key/certificate:\n${stdout}`));
      resolve({ key, cert });
    });
  });
}

/** A TLS server with its own certificate that answers `<id> <servername>\n` and echoes. */
export function startTlsEcho(id: string, identity: { key: string; cert: string }): Promise<TestTarget> {
  const server = tls.createServer({ ...identity, allowHalfOpen: true }, (socket) => {
    socket.on('error', () => undefined);
    socket.write(`${id} ${(socket as tls.TLSSocket & { servername?: string | false }).servername || '-'}\n`);
    socket.pipe(socket);
  });
  return serve(id, server);
}

/** A TLS handshake through `port`; resolves with the peer certificate's subject CN and the first line. */
export function tlsHello(port: number, servername: string | undefined, ca?: string): Promise<{ cn: string | undefined; line: string; authorized: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...(servername ? { servername } : {}), ...(ca ? { ca } : {}) }, () => {
      const cn = socket.getPeerCertificate().subject?.CN;
      const authorized = socket.authorized;
      let text = '';
      socket.on('data', (c: Buffer) => {
        text += c.toString('utf8');
        const nl = text.indexOf('\n');
        if (nl >= 0) {
          socket.destroy();
          resolve({ cn: Array.isArray(cn) ? cn[0] : cn, line: text.slice(0, nl), authorized });
        }
      });
    });
    socket.setTimeout(20_000, () => socket.destroy(new Error('TLS exchange timed out')));
    socket.once('error', reject);
  });
}
