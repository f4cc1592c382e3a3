// The contract over HTTP: POST /api/<method> with a JSON body (GET ?input=<json> for read-only
// methods). Only decoding, the token and the status mapping live here; the dispatcher does the rest.
import type http from 'node:http';
import type { BerthErrorCode } from '../../shared/errors.js';
import { isMethodName, methods, type CallResult } from '../../shared/contract/index.js';
import type { Handlers } from './handlers.js';
import { callMethod } from './dispatch.js';
import { bearer, tokenMatches } from './request-guard.js';

/** The largest request body taken (a config is some kilobytes; an imported template can be larger). */
export const MAX_BODY = 1 << 20;
/** After a refused body, this much more is read and dropped so the connection stays usable; a client
 * that keeps sending beyond it is disconnected. */
const MAX_DISCARD = 16 << 20;

const STATUS: Partial<Record<BerthErrorCode, number>> = { BAD_INPUT: 400, CONFIG_INVALID: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409 };

export interface ApiContext {
  handlers: Handlers;
  token: string;
}

export function fail(code: BerthErrorCode, message: string): CallResult<never> {
  return { ok: false, error: { code, message, expected: true } };
}

export function reply(res: http.ServerResponse, status: number, body: CallResult<unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Answers one API request; `fault` logs what the client got wrong. Never rejects. */
export async function serveApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL, ctx: ApiContext, fault: (message: string) => void): Promise<void> {
  const refuse = (status: number, code: BerthErrorCode, message: string) => {
    if (status === 400 || status === 413) fault(message);
    reply(res, status, fail(code, message));
  };
  if (!tokenMatches(bearer(req), ctx.token)) return refuse(401, 'UNAUTHORIZED', 'a valid token is required (Authorization: Bearer …; see control.json in the data folder)');
  const name = url.pathname.slice('/api/'.length);
  if (!isMethodName(name)) return refuse(404, 'NOT_FOUND', `no method "${name.slice(0, 64)}"`);
  let raw: unknown = {};
  if (req.method === 'GET') {
    if (!methods[name].readOnly) return refuse(405, 'BAD_INPUT', `${name} changes state: use POST with a JSON body`);
    const q = url.searchParams.get('input');
    try {
      raw = q ? JSON.parse(q) : {};
    } catch {
      return refuse(400, 'BAD_INPUT', `${name}: input= must be JSON`);
    }
  } else if (req.method === 'POST') {
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return refuse(415, 'BAD_INPUT', 'send JSON (content-type: application/json)');
    const body = await readBody(req);
    if (body === undefined) return refuse(413, 'BAD_INPUT', `${name}: the body is larger than ${MAX_BODY >> 20} MiB`);
    try {
      raw = JSON.parse(body || '{}');
    } catch {
      return refuse(400, 'BAD_INPUT', `${name}: the body is not valid JSON`);
    }
  } else {
    res.setHeader('allow', methods[name].readOnly ? 'GET, POST' : 'POST');
    return refuse(405, 'BAD_INPUT', 'use GET or POST');
  }
  const answer = await callMethod(ctx.handlers, name, raw);
  if (answer.ok) return reply(res, 200, answer);
  const status = STATUS[answer.error.code] ?? 500;
  if (status === 400) fault(answer.error.message);
  reply(res, status, answer);
}

/** The body as text, or undefined when it is over MAX_BODY (then it is drained, or the socket closed). */
function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  // Declared too large: answer at once; Node reads and drops the unread body before the next request.
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) return void chunks.push(c);
      chunks.length = 0;
      resolve(undefined);
      if (size > MAX_BODY + MAX_DISCARD) req.socket.destroy();
    });
    req.on('end', () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}
