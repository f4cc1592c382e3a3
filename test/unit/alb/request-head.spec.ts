// One pass over the raw request: hop-by-hop fields dropped, routing facts collected, checks.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { RequestHead } from '../../../main/alb/request-head.js';
import { upstreamErrorCode } from '../../../main/alb/error-responses.js';

const head = (url: string, raw: string[]) => new RequestHead({ url, rawHeaders: raw } as IncomingMessage);

describe('RequestHead', () => {
  it('keeps end-to-end headers in order and case, drops hop-by-hop ones', () => {
    const h = head('/a?b=1', [
      'Host', 'A.example.com', 'Connection', 'keep-alive, X-Drop', 'X-Drop', '1', 'Keep-Alive', 'timeout=5', 'TE', 'trailers', 'Trailer', 'X',
      'Transfer-Encoding', 'chunked', 'Upgrade', 'websocket', 'Proxy-Authorization', 'x', 'Expect', '100-continue', 'X-Forwarded-Proto', 'https',
      'X-Forwarded-Port', '1', 'X-Forwarded-For', '1.1.1.1', 'X-Forwarded-For', '2.2.2.2', 'X-Amzn-Trace-Id', 'Root=r', 'Cookie', 'a=1', 'cookie', 'b=2',
      'Accept', '*/*', 'X-Multi', '1', 'X-Multi', '2',
    ]);
    expect(h.headers).toEqual(['Cookie', 'a=1', 'cookie', 'b=2', 'Accept', '*/*', 'X-Multi', '1', 'X-Multi', '2']);
    expect(h).toMatchObject({ host: 'A.example.com', hostCount: 1, path: '/a', query: 'b=1', target: '/a?b=1', hasBody: true, forwardedFor: '1.1.1.1, 2.2.2.2', traceId: 'Root=r', cookie: 'a=1; b=2', upgrade: 'websocket' });
  });

  it.each([
    ['/p', '/p', '', '/p', undefined],
    ['/p?', '/p', '', '/p?', undefined],
    ['/p?a=1?b', '/p', 'a=1?b', '/p?a=1?b', undefined],
    ['http://Host.example:81/x?y', '/x', 'y', '/x?y', 'Host.example:81'],
    ['https://h.example?q=1', '/', 'q=1', '/?q=1', 'h.example'],
    ['http://h.example', '/', '', '/', 'h.example'],
    ['*', '*', '', '*', undefined],
  ])('splits %j', (url, path, query, target, authority) => {
    expect(head(url, ['Host', 'h.example'])).toMatchObject({ path, query, target, absoluteAuthority: authority });
  });

  it.each([
    ['GET', '/', ['Host', 'a'], undefined],
    ['TRACE', '/', ['Host', 'a'], 'METHOD_NOT_ALLOWED'],
    ['GET', '/', ['Host', 'a', 'host', 'b'], 'DUPLICATE_HOST_HEADER'],
    ['GET', '/', ['Host', 'a', 'host', 'a'], 'DUPLICATE_HOST_HEADER'],
    ['GET', 'http://a.example/', ['Host', 'b.example'], 'HOST_MISMATCH'],
    ['GET', 'http://A.example/', ['Host', 'a.example:80'], undefined],
    ['GET', 'http://a.example/', [], undefined],
  ])('%s %s with %j → %j', (method, url, raw, expected) => {
    expect(head(url, raw).reject(method)).toBe(expected);
  });

  it('counts Content-Length 0 as no body', () => {
    expect(head('/', ['Content-Length', '0']).hasBody).toBe(false);
    expect(head('/', ['Content-Length', '3']).hasBody).toBe(true);
    expect(head('/', []).hasBody).toBe(false);
  });
});

describe('upstream error codes', () => {
  it.each([
    ['ECONNREFUSED', 'TARGET_CONNECTION_REFUSED'],
    ['ECONNRESET', 'TARGET_CONNECTION_RESET'],
    ['UPSTREAM_CLOSED', 'TARGET_CONNECTION_RESET'],
    ['ECONNECT_TIMEOUT', 'TARGET_CONNECT_TIMEOUT'],
    ['UPSTREAM_TIMEOUT', 'TARGET_TIMEOUT'],
    ['UPSTREAM_INVALID_RESPONSE', 'TARGET_INVALID_RESPONSE'],
    ['HPE_INVALID_CONSTANT', 'TARGET_INVALID_RESPONSE'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'TARGET_TLS_ERROR'],
    ['EHOSTUNREACH', 'TARGET_UNREACHABLE'],
    ['SOMETHING_ELSE', 'TARGET_ERROR'],
    [undefined, 'TARGET_ERROR'],
  ])('%s → %s', (code, expected) => {
    expect(upstreamErrorCode(Object.assign(new Error('x'), { code }))).toBe(expected);
  });
});
