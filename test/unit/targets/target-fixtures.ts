// Loopback health-check targets for the target-group specs: a server that answers each check only
// when the test says how, servers with a fixed answer, one that never answers, one that speaks
// garbage, and a TLS one with a self-signed certificate. Everything closes in closeAll().
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import * as net from 'node:net';
import { join } from 'node:path';
import { expect } from 'vitest';
import { TargetGroupRuntime, type TargetGroupRuntimeOptions } from '../../../main/targets/index.js';
import { targetGroupSchema, type TargetSpec } from '../../../shared/model/index.js';
import { eventually } from '../../helpers/eventually.js';
import { tempDir } from '../../helpers/temp-dir.js';

const closers: (() => Promise<unknown> | unknown)[] = [];

export async function closeAll(): Promise<void> {
  while (closers.length) await closers.pop()!();
}

async function listen(server: net.Server): Promise<number> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(resolve);
  }));
  return (server.address() as net.AddressInfo).port;
}

export interface CheckServer {
  port: number;
  /** Requests received so far (paths, in order). */
  paths: string[];
  headers: http.IncomingHttpHeaders[];
}

/** Answers every request with `status` (changeable through the returned `set`). */
export async function statusServer(status: number): Promise<CheckServer & { set(status: number): void }> {
  const paths: string[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  let current = status;
  const port = await listen(
    http.createServer((req, res) => {
      paths.push(req.url!);
      headers.push(req.headers);
      res.writeHead(current).end();
    }),
  );
  return { port, paths, headers, set: (s) => (current = s) };
}

/**
 * Holds each check until `answer()` says with which status, then waits for the next check to
 * arrive. A group runs one check of a target at a time, so when the next check arrives the group
 * has taken in exactly the answers given so far: each step is deterministic, with no sleeping.
 */
export async function scriptedServer(): Promise<CheckServer & { answer(status: number): Promise<void> }> {
  const paths: string[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  const pending: http.ServerResponse[] = [];
  const port = await listen(
    http.createServer((req, res) => {
      paths.push(req.url!);
      headers.push(req.headers);
      pending.push(res);
    }),
  );
  return {
    port,
    paths,
    headers,
    async answer(status: number) {
      await eventually(() => expect(pending.length, 'a health check waiting for its answer').toBe(1), { timeoutMs: 20_000 });
      const before = paths.length;
      pending.shift()!.writeHead(status).end();
      await eventually(() => expect(paths.length, 'the next health check').toBe(before + 1), { timeoutMs: 20_000 });
    },
  };
}

/** Accepts connections and reads requests but never answers. */
export async function silentServer(): Promise<number> {
  return listen(net.createServer((socket) => socket.on('error', () => socket.destroy())));
}

/** Answers every connection with bytes that are not HTTP. */
export async function garbageServer(): Promise<number> {
  return listen(net.createServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n')));
}

/** A port with nobody listening (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A fresh self-signed certificate (openssl), as many local services use. */
async function selfSigned(): Promise<{ key: Buffer; cert: Buffer }> {
  const dir = await tempDir('berth-hc-tls-');
  closers.push(() => dir.remove());
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=self-signed.localhost', '-days', '1',
    '-keyout', join(dir.path, 'key.pem'), '-out', join(dir.path, 'cert.pem')], { stdio: 'ignore' });
  return { key: readFileSync(join(dir.path, 'key.pem')), cert: readFileSync(join(dir.path, 'cert.pem')) };
}

/** An HTTPS server with a fresh self-signed certificate, answering `status`. */
export async function tlsServer(status: number): Promise<CheckServer> {
  const paths: string[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  const server = https.createServer(await selfSigned(), (req, res) => {
    paths.push(req.url!);
    headers.push(req.headers);
    res.writeHead(status).end();
  });
  return { port: await listen(server), paths, headers };
}

/**
 * A gRPC server as health checks meet one: `/grpc.health.v1.Health/Check` answers SERVING with
 * grpc-status 0 in the trailers, `/hang` never answers, and any other method is UNIMPLEMENTED (12)
 * in a trailers-only answer. Plain HTTP/2 (h2c), or TLS with a self-signed certificate.
 */
export async function grpcServer(tls = false): Promise<CheckServer> {
  const paths: string[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  const server = tls ? http2.createSecureServer(await selfSigned()) : http2.createServer();
  server.on('stream', (stream, h) => {
    paths.push(String(h[':path']));
    headers.push(h as http.IncomingHttpHeaders);
    stream.on('error', () => stream.destroy());
    stream.resume();
    stream.on('end', () => {
      if (h[':path'] === '/hang') return;
      if (h[':path'] !== '/grpc.health.v1.Health/Check') {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12', 'grpc-message': 'unknown method' }, { endStream: true });
        return;
      }
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      // HealthCheckResponse { status: SERVING }
      stream.end(Buffer.from([0, 0, 0, 0, 2, 8, 1]));
    });
  });
  return { port: await listen(server), paths, headers };
}

export const target = (id: string, port = 1, extra: Partial<TargetSpec> = {}): TargetSpec => ({ id, host: '127.0.0.1', port, source: 'static', ...extra });

/** A group from a berth.yaml-shaped target group (schema defaults applied), closed in closeAll(). */
export function group(config: Record<string, unknown> = {}, options: TargetGroupRuntimeOptions = {}): TargetGroupRuntime {
  const runtime = new TargetGroupRuntime(targetGroupSchema.parse({ name: 'g', protocol: 'HTTP', ...config }), options);
  closers.push(() => runtime.close());
  return runtime;
}

/** The state of one target, as the group reports it. */
export function stateOf(runtime: TargetGroupRuntime, id: string) {
  const found = runtime.snapshot().find((t) => t.id === id);
  if (!found) throw new Error(`target ${id} is not in group ${runtime.name}`);
  return found;
}

/** Ids of `count` picks without cookies. */
export function picks(runtime: TargetGroupRuntime, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(runtime.pick({ clientIp: '127.0.0.1' })!.target.id);
  return out;
}

export function countBy(ids: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of ids) out[id] = (out[id] ?? 0) + 1;
  return out;
}
