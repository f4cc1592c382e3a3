// Loopback fixtures for the HTTP listener: real target servers on 127.0.0.1, the real target-group
// runtime (health checks off: targets route at once), a listener built from a berth.yaml-shaped
// config, raw-socket and header-controlled clients. Everything closes in cleanup().
import * as http from 'node:http';
import * as net from 'node:net';
import { Worker } from 'node:worker_threads';
import { HttpListener, type ForwardTarget, type ForwardTargetGroup, type HttpListenerOptions } from '../../../main/alb/index.js';
import { TargetGroupRuntime } from '../../../main/targets/index.js';
import { loadBalancerSchema, targetGroupSchema, type TrafficRecord } from '../../../shared/model/index.js';
import { freePort } from '../../helpers/free-port.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];

/** Closes everything the fixtures started, newest first; call from afterEach. */
export async function cleanup(): Promise<void> {
  while (cleanups.length) await cleanups.pop()!();
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

export interface TestTarget extends ForwardTarget {
  port: number;
  server: http.Server;
  seen: SeenRequest[];
  inFlight: number;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

/** A keep-alive HTTP server that answers `{ target, method, url, headers }` unless given a handler. */
export async function startTarget(id: string, handler?: Handler): Promise<TestTarget> {
  const seen: SeenRequest[] = [];
  const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, rawHeaders: req.rawHeaders, body });
      if (handler) return handler(req, res, body);
      const text = JSON.stringify({ target: id, method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(resolve);
  }));
  const port = (server.address() as net.AddressInfo).port;
  return { id, host: '127.0.0.1', port, server, seen, inFlight: 0 };
}

/** A target group at runtime over `targets`, with the group settings given (round robin by default). */
export function targetGroup(name: string, targets: ForwardTarget[], config: Record<string, unknown> = {}): TargetGroupRuntime {
  const group = new TargetGroupRuntime(targetGroupSchema.parse({ name, protocol: 'HTTP', ...config }), { healthChecks: false });
  group.setTargets(targets.map((t) => ({ id: t.id, host: t.host, port: t.port, source: 'static' as const })));
  cleanups.push(() => group.close());
  return group;
}

export interface RunningListener {
  listener: HttpListener;
  port: number;
  records: TrafficRecord[];
}

/** A listener from a load balancer config (berth.yaml shape, defaults applied by the schema). */
export async function startListener(
  lb: { listener: Record<string, unknown>; idleTimeoutSeconds?: number; preserveHostHeader?: boolean; xffHeaderProcessingMode?: string },
  groups: ForwardTargetGroup[],
  extra: Partial<HttpListenerOptions> = {},
): Promise<RunningListener> {
  const port = (lb.listener.port as number | undefined) ?? (await freePort());
  const { listener: listenerInput, ...lbFields } = lb;
  const loadBalancer = loadBalancerSchema.parse({ name: 'test-lb', ...lbFields, listeners: [{ port, protocol: 'HTTP', ...listenerInput }] });
  const records: TrafficRecord[] = [];
  let id = 0;
  const listener = new HttpListener({
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

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with full control of the headers (Host included), on a fresh connection. */
export function request(port: number, path: string, options: { method?: string; headers?: http.OutgoingHttpHeaders; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Sends bytes as written and returns everything the server sends until it closes the connection. */
export function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
    socket.write(text);
  });
}

/** Replaces the Date header's value, the one part of a response that changes from run to run. */
export function stableDate(response: string): string {
  return response.replace(/^Date: .*$/m, 'Date: <date>');
}

/**
 * A port whose accept queue is full and never drained (a worker thread with a blocked event loop
 * listening with backlog 1, filled by two connections): a new connection there hangs in SYN_SENT.
 */
export async function unacceptingPort(): Promise<number> {
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const s = require('node:net').createServer();
     s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
       parentPort.postMessage(s.address().port);
       Atomics.wait(workerData, 0, 0);
       process.exit(0);
     });`,
    { eval: true, workerData: gate },
  );
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  const fillers = [net.connect(port, '127.0.0.1'), net.connect(port, '127.0.0.1')];
  await Promise.all(fillers.map((s) => new Promise((resolve) => s.once('connect', resolve))));
  cleanups.push(async () => {
    fillers.forEach((s) => s.destroy());
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    await new Promise((resolve) => worker.once('exit', resolve));
  });
  return port;
}

/** Registers extra cleanup (servers a test starts itself). */
export function onCleanup(fn: () => Promise<unknown> | unknown): void {
  cleanups.push(fn);
}
