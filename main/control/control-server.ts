// The control API: the contract over HTTP (POST /api/<method>, GET for read-only methods) and a
// WebSocket event stream at /api/events; it also serves the built dashboard. Loopback only.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { BerthError, type BerthErrorCode } from '../../shared/errors.js';
import { isMethodName, methods, type CallResult, type Topic } from '../../shared/contract/index.js';
import type { BerthEngine } from '../engine/index.js';
import { createHandlers, type Handlers } from './handlers.js';
import { bearer, hostAllowed, originAllowed, tokenMatches } from './request-guard.js';
import { writeControlFile } from './control-file.js';
import type { TrustEnvironment } from '../tls/index.js';

export interface ControlOptions {
  dataDir: string;
  /** `HOST:PORT`; default 127.0.0.1 on a random port. */
  control?: string;
  configFile?: string;
  /** Folder of the built dashboard (default renderer/dist). */
  dashboardDir?: string;
  /** Bytes an event stream may have queued before its traffic batches are skipped (default 4 MiB). */
  eventBufferLimit?: number;
  /** How long an event stream may stay over that limit before it is closed (default 30 s). */
  eventStuckMs?: number;
  /** The trust stores trustCa and untrustCa change (default: this machine's). */
  trustEnvironment?: () => TrustEnvironment;
}

export interface EventStreamStats {
  label: string;
  /** Bytes queued for the client in this process (not yet handed to the kernel). */
  bufferedAmount: number;
  /** Traffic records sent, and records skipped because the client was behind. */
  delivered: number;
  dropped: number;
}

export interface ControlServer {
  url: string;
  token: string;
  /** Opens the dashboard logged in; the token is in the fragment, which browsers never send. */
  dashboardUrl: string;
  /** The open event streams, and how many were closed for staying behind. */
  eventStreams(): { open: EventStreamStats[]; closedBehind: number };
  close(): Promise<void>;
}

const STATUS: Partial<Record<BerthErrorCode, number>> = { BAD_INPUT: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFIG_INVALID: 400 };
const MAX_BODY = 1 << 20;
/** A subscriber further behind than this loses traffic batches (counted) instead of growing memory.
 * At 2,000 requests/s a batch is about 100 KB, so this is some 4 s of traffic a client may lag. */
const MAX_BUFFERED = 4 << 20;
/** A client that reads nothing for this long has stopped (a frozen tab, a paused debugger); closing
 * frees what is queued for it, and its reconnect starts fresh. */
const STUCK_MS = 30_000;
const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.map': 'application/json', '.woff2': 'font/woff2' };

export async function startControl(engine: BerthEngine, options: ControlOptions): Promise<ControlServer> {
  const [hostOpt, portOpt] = parseControlAddress(options.control ?? '127.0.0.1:0');
  const token = randomBytes(24).toString('base64url');
  const handlers = createHandlers({ engine, configFile: options.configFile, trustEnvironment: options.trustEnvironment });
  const dashboardDir = options.dashboardDir ?? fileURLToPath(new URL('../../renderer/dist/', import.meta.url));
  let port = 0;

  const server = http.createServer((req, res) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('cache-control', 'no-store');
    if (!hostAllowed(req.headers.host, port)) return reply(res, 403, fail('FORBIDDEN', 'the Host header must name this machine (localhost, 127.0.0.1 or [::1]) and the control port'));
    if (!originAllowed(req.headers.origin, port)) return reply(res, 403, fail('FORBIDDEN', 'requests from other origins are refused'));
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/')) return void api(req, res, url, handlers, token);
    return void serveStatic(res, dashboardDir, url.pathname);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const streams: Streams = { open: new Set(), closedBehind: 0 };
  const streamLimits = { bufferLimit: options.eventBufferLimit ?? MAX_BUFFERED, stuckMs: options.eventStuckMs ?? STUCK_MS };
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/api/events' || !hostAllowed(req.headers.host, port) || !originAllowed(req.headers.origin, port)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => stream(ws, engine, token, streams, streamLimits, `events ${req.socket.remoteAddress ?? ''}:${req.socket.remotePort ?? ''}`));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new BerthError('LISTENER_BIND_FAILED', `control API cannot listen on ${hostOpt}:${portOpt}: ${err.message}`)));
    server.listen(portOpt, hostOpt, () => resolve());
  });
  port = (server.address() as { port: number }).port;
  const url = `http://${hostOpt.includes(':') ? `[${hostOpt}]` : hostOpt}:${port}`;
  await writeControlFile(options.dataDir, { url, token, pid: process.pid });
  return {
    url,
    token,
    dashboardUrl: `${url}/#token=${token}`,
    eventStreams: () => ({ open: [...streams.open].map((s) => s()), closedBehind: streams.closedBehind }),
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function fail(code: BerthErrorCode, message: string): CallResult<never> {
  return { ok: false, error: { code, message, expected: true } };
}

function reply(res: http.ServerResponse, status: number, body: CallResult<unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function api(req: http.IncomingMessage, res: http.ServerResponse, url: URL, handlers: Handlers, token: string): Promise<void> {
  if (!tokenMatches(bearer(req), token)) return reply(res, 401, fail('UNAUTHORIZED', 'a valid token is required (Authorization: Bearer …; see control.json in the data folder)'));
  const name = url.pathname.slice('/api/'.length);
  if (!isMethodName(name)) return reply(res, 404, fail('NOT_FOUND', `no method "${name}"`));
  const spec = methods[name];
  let raw: unknown = {};
  if (req.method === 'GET') {
    if (!spec.readOnly) return reply(res, 405, fail('BAD_INPUT', `${name} changes state: use POST with a JSON body`));
    const q = url.searchParams.get('input');
    try {
      raw = q ? JSON.parse(q) : {};
    } catch {
      return reply(res, 400, fail('BAD_INPUT', 'input= must be JSON'));
    }
  } else if (req.method === 'POST') {
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return reply(res, 415, fail('BAD_INPUT', 'send JSON (content-type: application/json)'));
    try {
      raw = JSON.parse((await readBody(req)) || '{}');
    } catch (err) {
      return reply(res, 400, fail('BAD_INPUT', err instanceof BerthError ? err.message : 'the body is not valid JSON'));
    }
  } else return reply(res, 405, fail('BAD_INPUT', 'use GET or POST'));

  const parsed = spec.input.safeParse(raw);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
    return reply(res, 400, fail('BAD_INPUT', `${name}: ${message}`));
  }
  try {
    const result = await (handlers[name] as (input: unknown) => Promise<unknown>)(parsed.data);
    reply(res, 200, { ok: true, result });
  } catch (err) {
    const e = err instanceof BerthError ? err : new BerthError('INTERNAL', err instanceof Error ? err.message : String(err), undefined, false);
    reply(res, STATUS[e.code] ?? 500, { ok: false, error: e.toJSON() });
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new BerthError('BAD_INPUT', 'the body is larger than 1 MiB'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

interface Streams {
  open: Set<() => EventStreamStats>;
  closedBehind: number;
}

function stream(ws: WebSocket, engine: BerthEngine, token: string, streams: Streams, limits: { bufferLimit: number; stuckMs: number }, label: string): void {
  const offs: (() => void)[] = [];
  // ws.bufferedAmount is what this process still holds for the client; once the kernel's socket
  // buffers are full it grows with every send, so every send path looks at it.
  let behindSince: number | undefined;
  const behind = (): boolean => {
    if (ws.bufferedAmount <= limits.bufferLimit) {
      behindSince = undefined;
      return false;
    }
    const now = Date.now();
    behindSince ??= now;
    if (now - behindSince > limits.stuckMs && ws.readyState === ws.OPEN) {
      streams.closedBehind++;
      ws.terminate();
    }
    return true;
  };
  const send = (topic: Topic, payload: unknown) => {
    if (ws.readyState !== ws.OPEN) return;
    // State, health and log events are small and rare, so they are sent even while the client is
    // behind (it needs the latest state version); the stuck check above bounds them in time.
    if (topic !== 'traffic') behind();
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ topic, payload }));
  };
  const authTimer = setTimeout(() => ws.close(4401, 'send {"token": …} first'), 5000);
  ws.once('message', (data) => {
    clearTimeout(authTimer);
    let msg: { token?: string } = {};
    try {
      msg = JSON.parse(String(data)) as typeof msg;
    } catch {
      // handled below
    }
    if (!tokenMatches(msg.token, token)) return ws.close(4401, 'invalid token');
    offs.push(engine.on('state', (p) => send('state', p)));
    offs.push(engine.on('health', (p) => send('health', p)));
    offs.push(engine.on('log', (p) => send('log', p)));
    // A stuck client must not make Berth hold its traffic: the recorder skips (and counts) batches
    // while it is behind, before they are serialised, so a skipped batch costs no JSON either.
    const sub = engine.recorder.subscribe((records) => send('traffic', { records, dropped: sub.dropped }), { ready: () => !behind(), label });
    const stats = (): EventStreamStats => ({ label, bufferedAmount: ws.bufferedAmount, delivered: sub.delivered, dropped: sub.dropped });
    streams.open.add(stats);
    offs.push(() => {
      streams.open.delete(stats);
      sub.unsubscribe();
    });
    send('state', { version: engine.getState().version });
  });
  ws.on('close', () => {
    clearTimeout(authTimer);
    offs.forEach((off) => off());
  });
  ws.on('error', () => ws.terminate());
}

async function serveStatic(res: http.ServerResponse, root: string, path: string): Promise<void> {
  const file = normalize(join(root, path === '/' ? 'index.html' : decodeURIComponent(path)));
  if (!file.startsWith(normalize(root))) {
    res.writeHead(404).end();
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'" });
    res.end(body);
  } catch {
    if (extname(path)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const index = await readFile(join(root, 'index.html'));
      res.writeHead(200, { 'content-type': MIME['.html']! });
      res.end(index);
    } catch {
      res.writeHead(200, { 'content-type': MIME['.html']! });
      res.end('<!doctype html><title>Berth</title><p>The dashboard is not built. Run <code>npm run build:renderer</code>; the control API works meanwhile.</p>');
    }
  }
}

/**
 * `HOST:PORT` for the control API. Only loopback addresses: the API answers only loopback Host names
 * anyway (DNS-rebinding defence), so a wider bind would expose the port and the token prompt to the
 * network for nothing.
 */
export function parseControlAddress(text: string): [host: string, port: number] {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new BerthError('BAD_INPUT', `--control: "${text}" is not HOST:PORT (e.g. 127.0.0.1:7070, [::1]:7070 or localhost:0 for a random port)`);
  const host = (m[1] ?? m[2]!).toLowerCase();
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  if (!loopback) throw new BerthError('BAD_INPUT', `--control: the control API listens on loopback only (127.0.0.1, ::1 or localhost), not ${host}`);
  return [host === 'localhost' ? '127.0.0.1' : host, port];
}
