// The control port: the contract over HTTP (api-server.ts), the WebSocket event stream at /api/events
// (event-stream.ts) and the built dashboard (static-files.ts), behind one gate. Loopback only.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { BerthError } from '../../shared/errors.js';
import type { BerthEngine } from '../engine/index.js';
import { createHandlers } from './handlers.js';
import { hostAllowed, originAllowed, requestUrl, singleHost } from './request-guard.js';
import { writeControlFile } from './control-file.js';
import type { TrustEnvironment } from '../tls/index.js';
import { fail, reply, serveApi } from './api-server.js';
import { stream, type EventStreamStats, type Streams } from './event-stream.js';
import { serveStatic } from './static-files.js';
import { rawAnswer, SECURITY_HEADERS } from './response-headers.js';
import { faultLog } from './fault-log.js';

export type { EventStreamStats } from './event-stream.js';

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
  /** Where a client's faults (malformed requests, refused messages) are reported (default stderr). */
  log?: (line: string) => void;
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

/** A subscriber further behind than this loses traffic batches (counted) instead of growing memory.
 * At 2,000 requests/s a batch is about 100 KB, so this is some 4 s of traffic a client may lag. */
const MAX_BUFFERED = 4 << 20;
/** A client that reads nothing for this long has stopped (a frozen tab, a paused debugger); closing
 * frees what is queued for it, and its reconnect starts fresh. */
const STUCK_MS = 30_000;
const HOST_REFUSED = 'the Host header must name this machine (localhost, 127.0.0.1 or [::1]) and the control port';

export async function startControl(engine: BerthEngine, options: ControlOptions): Promise<ControlServer> {
  const [hostOpt, portOpt] = parseControlAddress(options.control ?? '127.0.0.1:0');
  const token = randomBytes(24).toString('base64url');
  const handlers = createHandlers({ engine, configFile: options.configFile, trustEnvironment: options.trustEnvironment });
  const dashboardDir = options.dashboardDir ?? fileURLToPath(new URL('../../renderer/dist/', import.meta.url));
  const fault = faultLog(options.log ?? ((line) => process.stderr.write(`control: ${line}\n`)));
  let port = 0;

  /** The gate every request and upgrade passes first: one Host naming this port, no foreign Origin. */
  const refusal = (req: http.IncomingMessage): [status: 400 | 403, message: string] | undefined => {
    if (!singleHost(req.rawHeaders)) return [400, 'more than one Host header'];
    if (!hostAllowed(req.headers.host, port)) return [403, HOST_REFUSED];
    if (!originAllowed(req.headers.origin, port)) return [403, 'requests from other origins are refused'];
    return undefined;
  };
  const who = (req: http.IncomingMessage) => `${req.socket.remoteAddress ?? ''}:${req.socket.remotePort ?? ''}`;

  const server = http.createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const refused = refusal(req);
    const url = refused ? undefined : requestUrl(req.url);
    if (refused || !url) {
      const [status, message] = refused ?? [400, 'the request target must be a path (origin-form, starting with /)'];
      if (status === 400) fault(`${who(req)} ${req.method ?? ''}: ${message}`);
      return reply(res, status, fail(status === 400 ? 'BAD_INPUT' : 'FORBIDDEN', message));
    }
    const served = url.pathname.startsWith('/api/')
      ? serveApi(req, res, url, { handlers, token }, (m) => fault(`${who(req)} ${url.pathname.slice(0, 80)}: ${m}`))
      : serveStatic(req, res, dashboardDir, url.pathname, (status, message) => {
          fault(`${who(req)} ${req.method ?? ''}: ${message}`);
          reply(res, status, fail('BAD_INPUT', message));
        });
    // Both are written not to reject; should a bug make one do so, it is reported and this request
    // answered, and the process and its listeners go on.
    served.catch((err: unknown) => {
      process.stderr.write(`control: internal error on ${req.method ?? ''} ${url.pathname.slice(0, 80)}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      if (res.headersSent) res.destroy();
      else reply(res, 500, fail('INTERNAL', 'internal error (logged by Berth)'));
    });
  });
  // What Node's parser refuses (bad syntax, headers over 16 KiB) is answered here, with the same
  // headers as every other answer, instead of Node's bare default.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || err.code === 'ECONNRESET') return void socket.destroy();
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    fault(`a request the HTTP parser refused: ${err.code ?? err.message}`);
    socket.end(tooLarge ? rawAnswer(431, 'Request Header Fields Too Large', 'the request head is over 16 KiB') : rawAnswer(400, 'Bad Request', 'not an HTTP/1.1 request'));
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  // A handshake ws refuses (no key, a wrong version) is answered here, with the port's headers.
  wss.on('wsClientError', (err: Error, socket: Duplex, req: http.IncomingMessage) => {
    fault(`${who(req)}: WebSocket handshake refused: ${err.message}`);
    const status = req.method === 'GET' ? 400 : 405;
    socket.end(rawAnswer(status, status === 400 ? 'Bad Request' : 'Method Not Allowed', err.message));
  });
  const streams: Streams = { open: new Set(), closedBehind: 0 };
  const streamContext = { engine, token, streams, bufferLimit: options.eventBufferLimit ?? MAX_BUFFERED, stuckMs: options.eventStuckMs ?? STUCK_MS, fault };
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node hands the socket over without an error listener: a client reset must not become an
    // uncaught error.
    socket.on('error', () => socket.destroy());
    // Host and Origin first, before anything is read from the target: a page elsewhere gets a 403
    // whatever it sends.
    const refused = refusal(req);
    if (refused) return void socket.end(rawAnswer(refused[0], refused[0] === 400 ? 'Bad Request' : 'Forbidden', refused[1]));
    const url = requestUrl(req.url);
    if (url?.pathname !== '/api/events') {
      fault(`${who(req)}: upgrade refused: only /api/events takes a WebSocket`);
      return void socket.end(rawAnswer(404, 'Not Found', 'only /api/events takes a WebSocket'));
    }
    wss.handleUpgrade(req, socket, head, (ws) => stream(ws, streamContext, `events ${who(req)}`));
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
