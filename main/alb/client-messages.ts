// The two kinds of client exchange a listener serves: HTTP/1.x (node:http) and HTTP/2 (node:http2's
// compatibility API, HTTPS listeners only). They share the calls the proxy makes, apart from these.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Http2ServerResponse, type Http2ServerRequest } from 'node:http2';

export type ClientRequest = IncomingMessage | Http2ServerRequest;
export type ClientResponse = ServerResponse | Http2ServerResponse;

export function isHttp2Response(res: ClientResponse): res is Http2ServerResponse {
  return res instanceof Http2ServerResponse;
}

export function isHttp2Request(req: ClientRequest): req is Http2ServerRequest {
  return req.httpVersionMajor === 2;
}

/** Writes the status and a flat [name, value, …] header list. HTTP/2 has no reason phrase, and
 * Node warns when one is given, so it is passed to HTTP/1 responses only. */
export function writeHead(res: ClientResponse, status: number, headers: string[], reason?: string): void {
  if (isHttp2Response(res)) (res.writeHead as unknown as (s: number, h: string[]) => void).call(res, status, headers);
  else if (reason === undefined) res.writeHead(status, headers);
  else res.writeHead(status, reason, headers);
}

/** The request's headers, lower-cased, repeated ones as separate values (rules read them this way).
 * Node 20's HTTP/2 request has no `headersDistinct`: it is built from the raw list, pseudo-headers left out. */
export function distinctHeaders(req: ClientRequest): Record<string, string[] | undefined> {
  if (!isHttp2Request(req)) return req.headersDistinct;
  const own = (req as { headersDistinct?: Record<string, string[]> }).headersDistinct;
  if (own) return own;
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.charCodeAt(0) === 58 /* : */) continue;
    (out[name] ??= []).push(raw[i + 1]!);
  }
  return out;
}
