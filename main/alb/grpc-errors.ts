// Berth's own errors on gRPC requests, in gRPC's shape: HTTP 200 with `grpc-status` and
// `grpc-message` (a trailers-only answer, or trailers after a response that had begun), so a gRPC
// client sees a status it can act on rather than a protocol error. The traffic record keeps the
// HTTP status AWS would have answered beside the gRPC one.
import type { Http2ServerResponse } from 'node:http2';
import type { TrafficErrorCode } from './error-responses.js';
import { writeOwnHead } from './own-head.js';

/** gRPC status codes Berth answers with (grpc/doc/statuscodes.md). */
export const GRPC = { CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14 } as const;

export function grpcStatusFor(code: TrafficErrorCode): number {
  switch (code) {
    case 'TARGET_TIMEOUT':
    case 'TARGET_CONNECT_TIMEOUT':
      return GRPC.DEADLINE_EXCEEDED;
    case 'TARGET_GROUP_NOT_FOUND':
    case 'NO_REGISTERED_TARGETS':
    case 'NO_HEALTHY_TARGETS':
    case 'TARGET_CONNECTION_REFUSED':
    case 'TARGET_CONNECTION_RESET':
    case 'TARGET_UNREACHABLE':
    case 'TARGET_TLS_ERROR':
    case 'TARGET_DEREGISTERED':
    case 'TARGET_ERROR':
      return GRPC.UNAVAILABLE;
    case 'METHOD_NOT_ALLOWED':
      return GRPC.UNIMPLEMENTED;
    case 'CLIENT_CLOSED':
      return GRPC.CANCELLED;
    case 'BAD_REQUEST':
    case 'DUPLICATE_HOST_HEADER':
    case 'HOST_MISMATCH':
      return GRPC.INVALID_ARGUMENT;
    default:
      return GRPC.INTERNAL;
  }
}

/** Answers (or ends) `res` with the gRPC status for `code`; returns that status. */
export function sendGrpcError(res: Http2ServerResponse, code: TrafficErrorCode, detail: string): number {
  const status = grpcStatusFor(code);
  const message = encodeGrpcMessage(detail);
  if (res.headersSent) {
    // The target's response had begun: end it with the status in trailers instead of a reset.
    if (!res.writableEnded) {
      res.addTrailers({ 'grpc-status': String(status), 'grpc-message': message });
      res.end();
    }
    return status;
  }
  // Headers, then the status as trailers: Node's compatibility API cannot end a stream with its
  // headers (gRPC's trailers-only form), and clients take both forms alike.
  writeOwnHead(res, 200, ['content-type', 'application/grpc', 'server', 'berth', 'x-berth-error', code]);
  res.addTrailers({ 'grpc-status': String(status), 'grpc-message': message });
  res.end();
  return status;
}

/** The grpc-status a target's headers or trailers carry, if any. */
export function grpcStatusIn(flat: readonly string[]): number | undefined {
  for (let i = 0; i < flat.length; i += 2) {
    if (flat[i]!.toLowerCase() === 'grpc-status') {
      const n = Number(flat[i + 1]);
      return Number.isInteger(n) ? n : undefined;
    }
  }
  return undefined;
}

/** What stays in the headers when a trailers-only answer is split. */
const HEADER_FIELDS = new Set(['content-type', 'set-cookie', 'date', 'server']);

/** A target's trailers-only answer (its status, and so all its metadata, among the headers; gRPC's
 * PROTOCOL-HTTP2) is passed on as headers and trailers, for the reason above: when `flat` holds a
 * grpc-status, its metadata leaves `flat` (in place) and is returned as the trailers. */
export function takeTrailersOnly(flat: string[]): string[] | undefined {
  if (grpcStatusIn(flat) === undefined) return undefined;
  const moved: string[] = [];
  let kept = 0;
  for (let i = 0; i < flat.length; i += 2) {
    if (!HEADER_FIELDS.has(flat[i]!.toLowerCase())) moved.push(flat[i]!, flat[i + 1]!);
    else {
      flat[kept++] = flat[i]!;
      flat[kept++] = flat[i + 1]!;
    }
  }
  flat.length = kept;
  return moved;
}

/** grpc-message is percent-encoded outside printable ASCII (and `%` itself). */
function encodeGrpcMessage(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
