// Responses Berth itself generates when it cannot serve a request: small, saying what happened and
// where (listener, rule, target), with `x-berth-error: <CODE>` for tools and `Server: berth`.
import type { Duplex } from 'node:stream';
import { isHttp2Response, type ClientResponse } from './client-messages.js';
import type { ResponseHeaderMods } from './header-modification.js';
import { rawOwnHead, writeOwnHead } from './own-head.js';

export type TrafficErrorCode =
  | 'BAD_REQUEST'
  | 'UNSUPPORTED_HTTP_VERSION'
  | 'DUPLICATE_HOST_HEADER'
  | 'HOST_MISMATCH'
  | 'METHOD_NOT_ALLOWED'
  | 'UNSUPPORTED_UPGRADE'
  | 'TARGET_GROUP_NOT_FOUND'
  | 'NO_REGISTERED_TARGETS'
  | 'NO_HEALTHY_TARGETS'
  | 'TARGET_CONNECTION_REFUSED'
  | 'TARGET_CONNECTION_RESET'
  | 'TARGET_UNREACHABLE'
  | 'TARGET_TLS_ERROR'
  | 'TARGET_INVALID_RESPONSE'
  | 'TARGET_CONNECT_TIMEOUT'
  | 'TARGET_TIMEOUT'
  | 'TARGET_ERROR'
  | 'TARGET_DEREGISTERED'
  | 'CLIENT_CLOSED'
  | 'INCOMPATIBLE_PROTOCOL'
  | 'INTERNAL';

const STATUS: Record<TrafficErrorCode, number> = {
  BAD_REQUEST: 400,
  UNSUPPORTED_HTTP_VERSION: 400,
  DUPLICATE_HOST_HEADER: 400,
  HOST_MISMATCH: 400,
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_UPGRADE: 400,
  TARGET_GROUP_NOT_FOUND: 503,
  NO_REGISTERED_TARGETS: 503,
  NO_HEALTHY_TARGETS: 503,
  TARGET_CONNECTION_REFUSED: 502,
  TARGET_CONNECTION_RESET: 502,
  TARGET_UNREACHABLE: 502,
  TARGET_TLS_ERROR: 502,
  TARGET_INVALID_RESPONSE: 502,
  TARGET_CONNECT_TIMEOUT: 504,
  TARGET_TIMEOUT: 504,
  TARGET_ERROR: 502,
  // AWS lists "deregistration delay elapsed with the request in flight" under 502.
  TARGET_DEREGISTERED: 502,
  // AWS logs 460 when the client leaves before the answer; no response is sent.
  CLIENT_CLOSED: 460,
  // The request's protocol and the group's protocolVersion do not go together (elbv2-model.md 4.1).
  INCOMPATIBLE_PROTOCOL: 464,
  INTERNAL: 500,
};

const REASON: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  460: 'Client Closed Request',
  464: 'Incompatible Protocol',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** What a 405 lists in `Allow` (RFC 9110 15.5.6): every method Berth forwards, so not TRACE or CONNECT. */
export const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

export function errorStatus(code: TrafficErrorCode): number {
  return STATUS[code];
}

/** Maps an upstream error (Berth's upstream client, or a socket's) to what AWS would answer (elbv2-model.md 5.1). */
export function upstreamErrorCode(err: unknown): TrafficErrorCode {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return 'TARGET_ERROR';
  switch (code) {
    case 'TARGET_DEREGISTERED':
      return 'TARGET_DEREGISTERED';
    case 'CLIENT_CLOSED':
      return 'CLIENT_CLOSED';
    case 'ECONNREFUSED':
      return 'TARGET_CONNECTION_REFUSED';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UPSTREAM_CLOSED':
      return 'TARGET_CONNECTION_RESET';
    case 'ECONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return 'TARGET_CONNECT_TIMEOUT';
    case 'UPSTREAM_TIMEOUT':
      return 'TARGET_TIMEOUT';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EADDRNOTAVAIL':
      return 'TARGET_UNREACHABLE';
    case 'UPSTREAM_INVALID_RESPONSE':
      return 'TARGET_INVALID_RESPONSE';
  }
  if (code.startsWith('HPE_')) return 'TARGET_INVALID_RESPONSE';
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code === 'EPROTO' || code.includes('CERT')) return 'TARGET_TLS_ERROR';
  return 'TARGET_ERROR';
}

function body(code: TrafficErrorCode, detail: string): { status: number; text: string } {
  const status = STATUS[code];
  return { status, text: `${status} ${REASON[status] ?? 'Error'}: ${detail}\n` };
}

/** `close` ends the connection after the answer: used when the request's framing is in doubt. */
export function sendError(res: ClientResponse, code: TrafficErrorCode, detail: string, close = false): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const { status, text } = body(code, detail);
  const headers = ['content-type', 'text/plain; charset=utf-8', 'content-length', String(Buffer.byteLength(text)), 'server', 'berth', 'x-berth-error', code];
  if (status === 405) headers.push('allow', ALLOWED_METHODS);
  // HTTP/2 has no Connection header: one stream's doubt does not concern the others.
  if (close && !isHttp2Response(res)) headers.push('connection', 'close');
  writeOwnHead(res, status, headers);
  res.end(text);
}

/** The same answer written raw on a socket that left HTTP (an upgrade request), then closed. */
export function writeRawError(socket: Duplex, code: TrafficErrorCode, detail: string, mods?: ResponseHeaderMods): number {
  const { status, text } = body(code, detail);
  if (!socket.writable) return status;
  const headers = ['content-type', 'text/plain; charset=utf-8', 'content-length', String(Buffer.byteLength(text)), 'server', 'berth', 'x-berth-error', code];
  if (status === 405) headers.push('allow', ALLOWED_METHODS);
  socket.end(rawOwnHead(`HTTP/1.1 ${status} ${REASON[status] ?? 'Error'}`, headers, mods) + text);
  return status;
}
