// Deregistration delay on an HTTP listener (elbv2-model.md 4.5, 5.1): a draining target gets no new
// requests, its requests in flight may finish within the delay, and whatever is still running when
// the delay ends is cut — a 502 if no response had started, else the connection is closed.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { eventually } from '../../helpers/eventually.js';
import { cleanup, onCleanup, request, startListener, startTarget, targetGroup, type TestTarget } from './alb-fixtures.js';

afterEach(cleanup);

const spec = (t: TestTarget) => ({ id: t.id, host: t.host, port: t.port, source: 'static' as const });

/** A target that holds every request until the test answers it (or never). */
async function holdingTarget(id: string) {
  const held: ServerResponse[] = [];
  const closed: boolean[] = [];
  const target = await startTarget(id, (_req, res) => {
    const index = held.push(res) - 1;
    closed[index] = false;
    res.on('close', () => (closed[index] = true));
  });
  return { target, held, closed };
}

/** A GET that reports what arrived before the connection ended, including a cut mid-body. */
function streamingGet(port: number, path: string): Promise<{ status: number; body: string; aborted: boolean; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      let aborted = false;
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('aborted', () => (aborted = true));
      res.on('error', () => (aborted = true));
      res.on('close', () => resolve({ status: res.statusCode!, body, aborted: aborted || !res.complete, headers: res.headers }));
    });
    req.on('error', reject);
  });
}

describe('deregistration delay', () => {
  it('sends no new requests to a draining target and lets a request in flight finish within the delay', async () => {
    const { target: old, held } = await holdingTarget('old');
    const fresh = await startTarget('fresh');
    const group = targetGroup('g', [old], { deregistrationDelaySeconds: 5 });
    const { port, records } = await startListener({ listener: { defaultAction: { forward: 'g' } } }, [group]);

    const pending = request(port, '/slow');
    await eventually(() => expect(held).toHaveLength(1));
    group.setTargets([spec(fresh)]);
    for (let i = 0; i < 5; i++) expect(JSON.parse((await request(port, '/new')).body).target).toBe('fresh');
    expect(old.seen).toHaveLength(1);

    held[0]!.end('finished while draining');
    const reply = await pending;
    expect(reply).toMatchObject({ status: 200, body: 'finished while draining' });
    await eventually(() => expect(records.find((r) => r.path === '/slow')).toMatchObject({ status: 200, target: 'old', error: undefined }));
  });

  it('answers 502 when the delay ends before the target started its response', async () => {
    const { target: old, closed } = await holdingTarget('old');
    const group = targetGroup('g', [old], { deregistrationDelaySeconds: 1 });
    const { port, records } = await startListener({ listener: { defaultAction: { forward: 'g' } } }, [group]);

    const pending = request(port, '/slow');
    await eventually(() => expect(old.seen).toHaveLength(1));
    const deregisteredAt = Date.now();
    group.setTargets([]);
    const reply = await pending;
    // Not before the delay: the request had its second to finish.
    expect(Date.now() - deregisteredAt).toBeGreaterThanOrEqual(950);
    expect(reply.status).toBe(502);
    expect(reply.headers['x-berth-error']).toBe('TARGET_DEREGISTERED');
    expect(reply.body).toContain('target old');
    expect(reply.body).toContain('deregistration delay');
    // The connection to the target is closed too, so the target stops working on it.
    await eventually(() => expect(closed[0]).toBe(true));
    await eventually(() => expect(records.find((r) => r.path === '/slow')).toMatchObject({ status: 502, target: 'old', error: 'TARGET_DEREGISTERED' }));
  });

  it('closes the client connection when the delay ends in the middle of a response', async () => {
    const { target: old, held, closed } = await holdingTarget('old');
    const group = targetGroup('g', [old], { deregistrationDelaySeconds: 1 });
    const { port, records } = await startListener({ listener: { defaultAction: { forward: 'g' } } }, [group]);

    const pending = streamingGet(port, '/stream');
    await eventually(() => expect(held).toHaveLength(1));
    held[0]!.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
    held[0]!.write('first part;');
    group.setTargets([]);
    const reply = await pending;
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('first part;');
    expect(reply.aborted).toBe(true);
    await eventually(() => expect(closed[0]).toBe(true));
    await eventually(() => expect(records.find((r) => r.path === '/stream')).toMatchObject({ target: 'old', error: 'TARGET_DEREGISTERED' }));
  });

  it('cuts a request in flight at once when the delay is 0', async () => {
    const { target: old } = await holdingTarget('old');
    const group = targetGroup('g', [old], { deregistrationDelaySeconds: 0 });
    const { port } = await startListener({ listener: { defaultAction: { forward: 'g' } } }, [group]);
    const pending = request(port, '/slow');
    await eventually(() => expect(old.seen).toHaveLength(1));
    group.setTargets([]);
    const reply = await pending;
    expect(reply.status).toBe(502);
    expect(reply.headers['x-berth-error']).toBe('TARGET_DEREGISTERED');
  });

  it('closes an open WebSocket connection when the delay ends', async () => {
    const server = http.createServer();
    const wss = new WebSocketServer({ server });
    wss.on('connection', (socket) => socket.on('message', (data) => socket.send(`echo:${String(data)}`)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise((resolve) => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.close(resolve);
    }));
    const chat = { id: 'chat', host: '127.0.0.1', port: (server.address() as AddressInfo).port };
    const group = targetGroup('g', [chat], { deregistrationDelaySeconds: 1 });
    const { port, records } = await startListener({ listener: { defaultAction: { forward: 'g' } } }, [group]);

    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    onCleanup(() => ws.terminate());
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    const closed = new Promise((resolve) => ws.once('close', resolve));
    const answers: string[] = [];
    ws.on('message', (data) => answers.push(String(data)));
    group.setTargets([]);
    // Still open while the target drains.
    ws.send('during the delay');
    await eventually(() => expect(answers).toEqual(['echo:during the delay']));
    await closed;
    await eventually(() => expect(wss.clients.size).toBe(0));
    await eventually(() => expect(records).toMatchObject([{ kind: 'websocket', status: 101, target: 'chat', error: 'TARGET_DEREGISTERED' }]));
  });
});
