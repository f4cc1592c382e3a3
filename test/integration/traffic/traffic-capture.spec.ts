// Request detail through the engine's contract handlers after real requests through real HTTP
// listeners: headers kept by default, bodies up to the listener's cap, nothing with capture off;
// the HAR export checked against HAR 1.2's schema and the requests sent, the access log by field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { BerthEngine } from '../../../main/engine/index.js';
import { createHandlers, type Handlers } from '../../../main/control/handlers.js';
import { configSchema, type TrafficRecord } from '../../../shared/model/index.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';
import { harSchema } from '../../helpers/har-schema.js';

let engine: BerthEngine;
let handlers: Handlers;
let target: http.Server;
let captured: number;
let plain: number;

/** Echoes the request body back with the request's method and URL in headers. */
function echo(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    res.writeHead(201, { 'content-type': req.headers['content-type'] ?? 'text/plain', 'x-echo-url': req.url ?? '', 'content-length': body.length || 2 });
    res.end(body.length ? body : 'ok');
  });
}

function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { host: `app.localhost:${port}`, ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function recordOf(listenerPort: number, method: string, path: string): Promise<TrafficRecord> {
  return eventually(async () => {
    const { records } = await handlers.getTraffic({ listener: `${listenerPort}/HTTP` });
    const r = records.find((x) => x.method === method && x.path === path);
    if (!r) throw new Error(`no record of ${method} ${path}`);
    return handlers.getRequest({ id: r.id });
  });
}

beforeAll(async () => {
  target = http.createServer(echo);
  new WebSocketServer({ server: target }).on('connection', (socket) => socket.on('message', (m) => socket.send(m)));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const targetPort = (target.address() as { port: number }).port;
  captured = await freePort();
  plain = await freePort();
  const forward = { forward: 'app' };
  const config = configSchema.parse({
    loadBalancers: [
      {
        name: 'web',
        listeners: [
          {
            port: captured,
            protocol: 'HTTP',
            capture: { bodyBytes: 16 },
            defaultAction: forward,
            rules: [{ priority: 5, conditions: { pathPattern: ['/fixed'] }, action: { fixedResponse: { statusCode: 418, contentType: 'text/plain', messageBody: 'short and stout' } } }],
          },
          { port: plain, protocol: 'HTTP', capture: { headers: false }, defaultAction: forward },
        ],
      },
    ],
    targetGroups: [{ name: 'app', protocol: 'HTTP', targets: { static: [`127.0.0.1:${targetPort}`] } }],
  });
  engine = new BerthEngine({ config, dataDir: mkdtempSync(join(tmpdir(), 'berth-capture-')), discovery: false, healthChecks: false });
  await engine.start();
  handlers = createHandlers({ engine });
}, 30_000);

afterAll(async () => {
  await engine?.stop();
  target?.closeAllConnections();
  await new Promise((r) => target?.close(r));
});

describe('traffic capture', () => {
  it('keeps request and response headers and the query by default', async () => {
    const res = await send(captured, 'GET', '/items?id=7&q=a%20b', { 'x-trace-me': 'yes', 'user-agent': 'capture-test/1' });
    expect(res.status).toBe(201);
    const r = await recordOf(captured, 'GET', '/items');
    expect(r.query).toBe('id=7&q=a%20b');
    expect(r.requestHeaders).toMatchObject({ 'x-trace-me': 'yes', 'user-agent': 'capture-test/1', host: `app.localhost:${captured}` });
    expect(r.responseHeaders).toMatchObject({ 'content-type': 'text/plain', 'x-echo-url': '/items?id=7&q=a%20b' });
    // No body was sent; the 2-byte answer is kept whole.
    expect(r.requestBody).toBeUndefined();
    expect(r.responseBody).toEqual({ encoding: 'utf8', data: 'ok', bytes: 2, truncated: false });
  });

  it('keeps the first bodyBytes of each body, text as text and binary as base64, and says when it cut', async () => {
    await send(captured, 'POST', '/text', { 'content-type': 'text/plain; charset=utf-8' }, 'hello world, this is longer than sixteen bytes');
    const text = await recordOf(captured, 'POST', '/text');
    expect(text.requestBody).toEqual({ encoding: 'utf8', data: 'hello world, thi', bytes: 16, truncated: true });
    expect(text.responseBody).toEqual({ encoding: 'utf8', data: 'hello world, thi', bytes: 16, truncated: true });

    const binary = Buffer.from([0, 1, 2, 0xff, 0xfe]);
    await send(captured, 'POST', '/binary', { 'content-type': 'application/octet-stream' }, binary);
    const bin = await recordOf(captured, 'POST', '/binary');
    expect(bin.requestBody).toEqual({ encoding: 'base64', data: binary.toString('base64'), bytes: 5, truncated: false });
    expect(Buffer.from(bin.responseBody!.data, 'base64')).toEqual(binary);
  });

  it('a large body reaches the target whole while its first bytes are kept', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 'abcdefghijklmnopqrstuvwxyz');
    const res = await send(captured, 'PUT', '/big', { 'content-type': 'text/plain' }, big);
    expect(res.body.length).toBe(big.length);
    expect(res.body === big.toString('utf8')).toBe(true);
    const r = await recordOf(captured, 'PUT', '/big');
    expect(r.requestBody).toEqual({ encoding: 'utf8', data: 'abcdefghijklmnop', bytes: 16, truncated: true });
    expect(r.responseBody).toEqual({ encoding: 'utf8', data: 'abcdefghijklmnop', bytes: 16, truncated: true });
  }, 30_000);

  it('keeps the headers of an answer Berth gives itself', async () => {
    const res = await send(captured, 'GET', '/fixed');
    expect(res.status).toBe(418);
    const r = await recordOf(captured, 'GET', '/fixed');
    expect(r.responseHeaders?.['content-type']).toMatch(/^text\/plain/);
  });

  it('keeps nothing beyond the summary with capture off, and lists and streams never carry detail', async () => {
    await send(plain, 'POST', '/quiet?x=1', { 'x-trace-me': 'no' }, 'body');
    const r = await recordOf(plain, 'POST', '/quiet');
    expect(r.query).toBe('x=1');
    expect(r.requestHeaders).toBeUndefined();
    expect(r.responseHeaders).toBeUndefined();
    expect(r.requestBody).toBeUndefined();
    const { records } = await handlers.getTraffic({});
    expect(records.length).toBeGreaterThanOrEqual(5);
    for (const x of records) expect(Object.keys(x).filter((k) => /Headers|Body/.test(k))).toEqual([]);
  });

  it('WebSocket records carry the query and the upgrade\'s headers too', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${captured}/socket?room=1`, { headers: { 'x-trace-me': 'ws' } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send('ping');
    await new Promise((resolve) => ws.once('message', resolve));
    ws.close();
    const r = await eventually(async () => {
      const { records } = await handlers.getTraffic({ listener: `${captured}/HTTP` });
      const x = records.find((y) => y.kind === 'websocket');
      if (!x) throw new Error('no websocket record yet');
      return handlers.getRequest({ id: x.id });
    });
    expect(r).toMatchObject({ kind: 'websocket', path: '/socket', query: 'room=1', status: 101 });
    expect(r.requestHeaders).toMatchObject({ 'x-trace-me': 'ws', upgrade: 'websocket' });
    expect(r.responseHeaders).toMatchObject({ upgrade: 'websocket' });
    expect(r.responseHeaders?.['sec-websocket-accept']).toBeTruthy();
  });

  it('exports HAR 1.2 that matches the requests sent, with queries and headers', async () => {
    const { text } = await handlers.exportTraffic({ format: 'har' });
    const har = harSchema.parse(JSON.parse(text));
    const entries = har.log.entries;
    const get = entries.find((e) => e.request.url === `http://app.localhost:${captured}/items?id=7&q=a%20b`)!;
    expect(get).toBeDefined();
    expect(get.request.method).toBe('GET');
    expect(get.request.queryString).toEqual([
      { name: 'id', value: '7' },
      { name: 'q', value: 'a b' },
    ]);
    expect(get.request.headers).toContainEqual({ name: 'x-trace-me', value: 'yes' });
    expect(get.response.status).toBe(201);
    expect(get.response.headers).toContainEqual({ name: 'x-echo-url', value: '/items?id=7&q=a%20b' });
    expect(get.response.content).toMatchObject({ mimeType: 'text/plain', text: 'ok' });
    const post = entries.find((e) => e.request.url.endsWith('/text'))!;
    expect(post.request.method).toBe('POST');
    expect(post.request.postData).toMatchObject({ mimeType: 'text/plain; charset=utf-8', text: 'hello world, thi' });
    const fixed = entries.find((e) => e.request.url.endsWith('/fixed'))!;
    expect(fixed.response.status).toBe(418);
    const quiet = entries.find((e) => e.request.url === `http://app.localhost:${plain}/quiet?x=1`)!;
    expect(quiet.request.headers).toEqual([]);
    expect(quiet.request.queryString).toEqual([{ name: 'x', value: '1' }]);
    expect(entries.map((e) => e.request.method).sort()).toEqual(['GET', 'GET', 'GET', 'POST', 'POST', 'POST', 'PUT']);
    expect(entries.find((e) => e.request.url === `http://127.0.0.1:${captured}/socket?room=1`)?.response.status).toBe(101);
  });

  it('exports access-log lines in AWS field order', async () => {
    const { text } = await handlers.exportTraffic({ format: 'access-log', listener: `${captured}/HTTP` });
    const lines = text.trim().split('\n');
    const line = lines.find((l) => l.includes('/items?id=7'))!;
    // Fields are space-separated; quoted ones may hold spaces.
    const fields = line.match(/"(?:[^"\\]|\\.)*"|\S+/g)!;
    expect(fields).toHaveLength(29);
    const names = ['type', 'time', 'elb', 'client:port', 'target:port', 'request_processing_time', 'target_processing_time', 'response_processing_time', 'elb_status_code', 'target_status_code', 'received_bytes', 'sent_bytes', 'request', 'user_agent', 'ssl_cipher', 'ssl_protocol', 'target_group_arn', 'trace_id', 'domain_name', 'chosen_cert_arn', 'matched_rule_priority', 'request_creation_time', 'actions_executed', 'redirect_url', 'error_reason', 'target:port_list', 'target_status_code_list', 'classification', 'classification_reason'];
    const f = Object.fromEntries(names.map((n, i) => [n, fields[i]!]));
    expect(f.type).toBe('http');
    expect(new Date(f.time!).toISOString()).toBe(f.time);
    expect(f.elb).toBe('app/web/local');
    expect(f['client:port']).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(f['target:port']).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(Number(f.target_processing_time)).toBeGreaterThanOrEqual(0);
    expect([f.elb_status_code, f.target_status_code]).toEqual(['201', '201']);
    expect(Number(f.received_bytes)).toBeGreaterThan(0);
    expect(Number(f.sent_bytes)).toBeGreaterThan(0);
    expect(f.request).toBe(`"GET http://app.localhost:${captured}/items?id=7&q=a%20b HTTP/1.1"`);
    expect(f.user_agent).toBe('"capture-test/1"');
    expect([f.ssl_cipher, f.ssl_protocol]).toEqual(['-', '-']);
    expect(f.target_group_arn).toMatch(/targetgroup\/app/);
    expect(f.trace_id).toMatch(/^"Root=1-/);
    expect(f.domain_name).toBe('"-"');
    expect(f.matched_rule_priority).toBe('0');
    expect(new Date(f.request_creation_time!).toISOString()).toBe(f.request_creation_time);
    expect(f.actions_executed).toBe('"forward"');
    expect(f['target:port_list']).toBe(`"${f['target:port']}"`);
    expect(f.target_status_code_list).toBe('"201"');
    const fixed = lines.find((l) => l.includes('/fixed'))!.match(/"(?:[^"\\]|\\.)*"|\S+/g)!;
    expect([fixed[8], fixed[20], fixed[22]]).toEqual(['418', '5', '"fixed-response"']);
  });
});
