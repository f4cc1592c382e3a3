// WebSocket upgrades through the listener: echo traffic, pinning to the target that answered 101,
// the idle timeout on upgraded connections, and raw error answers to upgrades that cannot be served.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, targetGroup, onCleanup, raw, startListener } from './alb-fixtures.js';
import { eventually } from '../../helpers/eventually.js';

afterEach(cleanup);

/** A ws echo server that prefixes each answer with its id, so a test can see who answered. */
async function echoServer(id: string) {
  const server = http.createServer((_req, res) => res.end('plain'));
  const wss = new WebSocketServer({ server });
  const upgrades: http.IncomingHttpHeaders[] = [];
  wss.on('connection', (socket, req) => {
    upgrades.push(req.headers);
    socket.on('message', (data) => socket.send(`${id}:${String(data)}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise((resolve) => {
    for (const client of wss.clients) client.terminate();
    wss.close();
    server.closeAllConnections();
    server.close(resolve);
  }));
  return { id, host: '127.0.0.1', port: (server.address() as AddressInfo).port, upgrades };
}

function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe('WebSocket upgrades', () => {
  it('echoes 1,000 messages through Berth on the target that answered 101', { timeout: 90_000 }, async () => {
    const a = await echoServer('a');
    const b = await echoServer('b');
    const { port, records } = await startListener(
      { listener: { defaultAction: { fixedResponse: { statusCode: 404 } }, rules: [{ priority: 1, conditions: { pathPattern: ['/ws'] }, action: { forward: 'chat' } }] } },
      [targetGroup('chat', [a, b])],
    );
    const ws = await open(`ws://127.0.0.1:${port}/ws`, { 'x-forwarded-for': '10.9.9.9' });
    const answers: string[] = [];
    ws.on('message', (data) => answers.push(String(data)));
    for (let i = 0; i < 1000; i++) ws.send(`m${i}`);
    await eventually(() => expect(answers).toHaveLength(1000), { timeoutMs: 60_000 });
    const pinned = answers[0]!.split(':')[0];
    expect(answers).toEqual(Array.from({ length: 1000 }, (_, i) => `${pinned}:m${i}`));
    const upgrade = (pinned === 'a' ? a : b).upgrades[0]!;
    expect(upgrade).toMatchObject({ 'x-forwarded-for': '10.9.9.9, 127.0.0.1', 'x-forwarded-proto': 'http', 'x-forwarded-port': String(port), host: `127.0.0.1:${port}` });
    expect(upgrade['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    ws.close();
    await eventually(() => expect(records).toHaveLength(1));
    expect(records[0]).toMatchObject({ kind: 'websocket', status: 101, rule: '1', targetGroup: 'chat', target: pinned, path: '/ws' });
    expect(records[0]!.bytesIn).toBeGreaterThan(1000 * 6);
    expect(records[0]!.bytesOut).toBeGreaterThan(1000 * 6);
  });

  it('closes an upgraded connection that stays silent past the idle timeout', async () => {
    const a = await echoServer('a');
    const { port } = await startListener({ idleTimeoutSeconds: 1, listener: { defaultAction: { forward: 'chat' } } }, [targetGroup('chat', [a])]);
    const ws = await open(`ws://127.0.0.1:${port}/`);
    const opened = Date.now();
    await new Promise((resolve) => ws.once('close', resolve));
    expect(Date.now() - opened).toBeGreaterThanOrEqual(900);
  });

  it('answers an upgrade it cannot forward raw, with the Berth error code', async () => {
    const { port, records } = await startListener({ listener: { defaultAction: { forward: 'empty' } } }, [targetGroup('empty', [])]);
    const response = await raw(port, 'GET / HTTP/1.1\r\nHost: a.example.com\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    expect(response).toMatch(/^HTTP\/1.1 503 Service Unavailable\r\n/);
    expect(response).toContain('x-berth-error: NO_REGISTERED_TARGETS\r\n');
    await eventually(() => expect(records[0]).toMatchObject({ kind: 'websocket', status: 503, error: 'NO_REGISTERED_TARGETS' }));
  });

  it('refuses upgrades to anything but WebSocket', async () => {
    const a = await echoServer('a');
    const { port } = await startListener({ listener: { defaultAction: { forward: 'chat' } } }, [targetGroup('chat', [a])]);
    const response = await raw(port, 'GET / HTTP/1.1\r\nHost: a.example.com\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n');
    expect(response).toContain('x-berth-error: UNSUPPORTED_UPGRADE\r\n');
  });
});
