// What Berth answers when it cannot serve a request (elbv2-model.md 5.1), and that a client leaving
// ends the upstream request at once. Every error carries x-berth-error and Server: berth.
import type * as http from 'node:http';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, targetGroup, onCleanup, raw, request, startListener, startTarget, unacceptingPort } from './alb-fixtures.js';
import { freePort } from '../../helpers/free-port.js';
import { eventually } from '../../helpers/eventually.js';

afterEach(cleanup);

const forwardTo = (group: string) => ({ listener: { defaultAction: { forward: group } } });

describe('error answers', () => {
  it('502 when the target refuses the connection', async () => {
    const closedPort = await freePort();
    const { port, records } = await startListener(forwardTo('g'), [targetGroup('g', [{ id: 'gone:1', host: '127.0.0.1', port: closedPort }])]);
    const reply = await request(port, '/x');
    expect(reply.status).toBe(502);
    expect(reply.headers).toMatchObject({ 'x-berth-error': 'TARGET_CONNECTION_REFUSED', server: 'berth', 'content-type': 'text/plain; charset=utf-8' });
    expect(reply.body).toBe(`502 Bad Gateway: target gone:1 (127.0.0.1:${closedPort}) of target group "g" refused the connection (listener ${port}/HTTP, rule default, target gone:1)\n`);
    expect(records[0]).toMatchObject({ status: 502, error: 'TARGET_CONNECTION_REFUSED', targetGroup: 'g', target: 'gone:1', rule: 'default' });
  });

  it('502 when the target closes the connection without answering', async () => {
    const target = await startTarget('rude', (req) => req.socket.destroy());
    const { port } = await startListener(forwardTo('g'), [targetGroup('g', [target])]);
    const reply = await request(port, '/');
    expect([reply.status, reply.headers['x-berth-error']]).toEqual([502, 'TARGET_CONNECTION_RESET']);
  });

  it('503 when the target group has no registered targets, or does not exist', async () => {
    const { port } = await startListener(
      { listener: { defaultAction: { forward: 'empty' }, rules: [{ priority: 1, conditions: { pathPattern: ['/ghost'] }, action: { forward: 'ghost' } }] } },
      [targetGroup('empty', [])],
    );
    const empty = await request(port, '/');
    expect([empty.status, empty.headers['x-berth-error']]).toEqual([503, 'NO_REGISTERED_TARGETS']);
    expect(empty.body).toContain('target group "empty" has no registered targets');
    const ghost = await request(port, '/ghost');
    expect([ghost.status, ghost.headers['x-berth-error']]).toEqual([503, 'TARGET_GROUP_NOT_FOUND']);
  });

  it('504 when the target is silent past the idle timeout', async () => {
    const target = await startTarget('silent', () => undefined);
    const { port, records } = await startListener({ idleTimeoutSeconds: 1, ...forwardTo('g') }, [targetGroup('g', [target])]);
    const started = Date.now();
    const reply = await request(port, '/slow');
    expect([reply.status, reply.headers['x-berth-error']]).toEqual([504, 'TARGET_TIMEOUT']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(reply.body).toContain('sent no response within the idle timeout (1 s)');
    expect(records[0]).toMatchObject({ status: 504, error: 'TARGET_TIMEOUT' });
  });

  it('504 when the target does not accept the connection in time', async () => {
    const hung = await unacceptingPort();
    const { port } = await startListener(forwardTo('g'), [targetGroup('g', [{ id: 'hung:1', host: '127.0.0.1', port: hung }])], { connectTimeoutMs: 300 });
    const reply = await request(port, '/');
    expect([reply.status, reply.headers['x-berth-error']]).toEqual([504, 'TARGET_CONNECT_TIMEOUT']);
  });

  it('400 for two Host headers, or an absolute-form target naming another host; 405 for TRACE', async () => {
    const target = await startTarget('t');
    const { port } = await startListener(forwardTo('g'), [targetGroup('g', [target])]);
    const twoHosts = await raw(port, 'GET / HTTP/1.1\r\nHost: a.example.com\r\nHost: b.example.com\r\n\r\n');
    expect(twoHosts).toMatch(/^HTTP\/1.1 400 Bad Request\r\n/);
    expect(twoHosts).toContain('x-berth-error: DUPLICATE_HOST_HEADER\r\n');
    expect(twoHosts).toContain('connection: close\r\n');
    const mismatch = await raw(port, 'GET http://a.example.com/ HTTP/1.1\r\nHost: b.example.com\r\n\r\n');
    expect(mismatch).toContain('x-berth-error: HOST_MISMATCH\r\n');
    const trace = await request(port, '/', { method: 'TRACE' });
    expect([trace.status, trace.headers['x-berth-error'], trace.headers.server]).toEqual([405, 'METHOD_NOT_ALLOWED', 'berth']);
    expect(target.seen).toHaveLength(0);
  });

  it('400 for a request Node cannot parse, and the listener carries on', async () => {
    const target = await startTarget('t');
    const { port } = await startListener(forwardTo('g'), [targetGroup('g', [target])]);
    expect(await raw(port, 'GARBAGE\r\n\r\n')).toMatch(/^HTTP\/1.1 400 Bad Request\r\n[\s\S]*x-berth-error: BAD_REQUEST/);
    expect((await request(port, '/')).status).toBe(200);
  });
});

describe('client going away', () => {
  it('destroys the upstream request at once', async () => {
    let upstreamClosed = 0;
    let arrived = 0;
    const target = await startTarget('slow', () => undefined);
    target.server.removeAllListeners('request');
    target.server.on('request', (req: http.IncomingMessage) => {
      arrived = Date.now();
      req.socket.once('close', () => (upstreamClosed = Date.now()));
    });
    const group = targetGroup('g', [target]);
    const { port, records } = await startListener(forwardTo('g'), [group]);
    const client = net.connect(port, '127.0.0.1');
    client.on('error', () => undefined);
    client.write('GET /long HTTP/1.1\r\nHost: a.example.com\r\n\r\n');
    await eventually(() => expect(arrived).toBeGreaterThan(0));
    const left = Date.now();
    client.destroy();
    await eventually(() => expect(upstreamClosed).toBeGreaterThan(0), { timeoutMs: 2000 });
    // Typically a few ms: the abort is synchronous; the bound leaves room for a busy machine, and is
    // far below anything a target would do on its own (it never answers).
    expect(upstreamClosed - left).toBeLessThan(1000);
    await eventually(() => expect(records[0]).toMatchObject({ status: 460, error: 'CLIENT_CLOSED', target: 'slow' }));
  });

  it('never crashes on a client reset mid-response', async () => {
    const target = await startTarget('stream', (req, res) => {
      if (req.url !== '/stream') return res.end('ok');
      const timer = setInterval(() => res.write('x'.repeat(65536)), 5);
      res.on('close', () => clearInterval(timer));
    });
    onCleanup(() => target.server.closeAllConnections());
    const { port } = await startListener(forwardTo('g'), [targetGroup('g', [target])]);
    const client = net.connect(port, '127.0.0.1');
    client.on('error', () => undefined);
    client.write('GET /stream HTTP/1.1\r\nHost: a.example.com\r\n\r\n');
    await new Promise((resolve) => client.once('data', resolve));
    client.resetAndDestroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await request(port, '/', { headers: { connection: 'close' } })).status).toBe(200);
  });
});
