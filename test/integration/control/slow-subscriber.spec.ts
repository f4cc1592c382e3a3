// A WebSocket subscriber that stops reading must not make Berth hold its traffic: with real sockets,
// the slow stream's traffic batches are skipped and counted (in getState and in the stream's stats)
// while what is queued for it stays bounded, a fast subscriber keeps getting every batch, the proxy
// keeps answering, and a stream that stays behind is closed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Pool } from 'undici';
import { configSchema } from '../../../shared/model/index.js';
import { BerthEngine } from '../../../main/engine/index.js';
import { startControl, type ControlServer } from '../../../main/control/index.js';
import { freePort } from '../../helpers/free-port.js';
import { eventually } from '../../helpers/eventually.js';

/** Small on purpose: the test needs far less traffic to get a paused client past it. */
const BUFFER_LIMIT = 64 * 1024;
/** Long paths make each traffic record ~2 KB, so a few thousand requests outgrow the kernel's socket buffers. */
const PATH = `/items/${'x'.repeat(2000)}`;

interface Subscriber {
  ws: WebSocket;
  /** Server-side label of this stream (`events 127.0.0.1:<client port>`). */
  label: string;
  records: number;
  batches: number;
  largestMessage: number;
}

async function subscribe(control: ControlServer): Promise<Subscriber> {
  const ws = new WebSocket(`${control.url.replace('http', 'ws')}/api/events`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const sub: Subscriber = { ws, label: `events 127.0.0.1:${(ws as unknown as { _socket: { localPort: number } })._socket.localPort}`, records: 0, batches: 0, largestMessage: 0 };
  const first = new Promise((resolve) => ws.once('message', resolve));
  ws.on('message', (data: Buffer) => {
    sub.largestMessage = Math.max(sub.largestMessage, data.length);
    const msg = JSON.parse(String(data)) as { topic: string; payload: { records?: unknown[] } };
    if (msg.topic === 'traffic') {
      sub.batches++;
      sub.records += msg.payload.records!.length;
    }
  });
  ws.send(JSON.stringify({ token: control.token }));
  await first; // authenticated: the server sent the state version
  return sub;
}

describe('a slow event-stream subscriber under load', () => {
  let dir: string;
  let engine: BerthEngine;
  let control: ControlServer;
  let target: http.Server;
  let pool: Pool;
  let status200 = 0;
  let other = 0;

  /** `count` requests through Berth, 16 at a time. */
  async function load(count: number): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next++ < count) {
        const res = await pool.request({ path: PATH, method: 'GET', headers: { host: 'app.localhost' } });
        await res.body.dump();
        if (res.statusCode === 200) status200++;
        else other++;
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
  }

  const stream = (c: ControlServer, label: string) => c.eventStreams().open.find((s) => s.label === label);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-slow-sub-'));
    target = http.createServer({ keepAliveTimeout: 30_000 }, (_req, res) => res.end('ok'));
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const targetPort = (target.address() as { port: number }).port;
    const listenerPort = await freePort();
    const config = configSchema.parse({
      loadBalancers: [{ name: 'web', listeners: [{ port: listenerPort, protocol: 'HTTP', defaultAction: { forward: { targetGroups: [{ name: 'app' }] } } }] }],
      targetGroups: [{ name: 'app', protocol: 'HTTP', targets: { static: [`127.0.0.1:${targetPort}`] } }],
    });
    engine = new BerthEngine({ config, dataDir: dir, discovery: false, healthChecks: false });
    await engine.start();
    control = await startControl(engine, { dataDir: dir, eventBufferLimit: BUFFER_LIMIT });
    pool = new Pool(`http://127.0.0.1:${listenerPort}`, { connections: 16 });
  });

  afterAll(async () => {
    await pool?.close();
    await control?.close();
    await engine?.stop();
    target?.closeAllConnections();
    await new Promise((r) => target?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('skips and counts the slow one’s batches, keeps its queue bounded, and the fast one gets every batch', { timeout: 120_000 }, async () => {
    const fast = await subscribe(control);
    const slow = await subscribe(control);
    slow.ws.pause(); // stops reading: the kernel buffers fill, then Berth's own queue for it would grow

    let maxBuffered = 0;
    const sampler = setInterval(() => (maxBuffered = Math.max(maxBuffered, stream(control, slow.label)?.bufferedAmount ?? 0)), 10);
    try {
      // Chunks of load until the slow stream is behind (bounded: at most 20,000 requests).
      for (let chunk = 0; chunk < 40 && !(stream(control, slow.label)!.dropped > 0); chunk++) {
        await load(500);
        await new Promise((r) => setTimeout(r, 150)); // one batch interval and a half
      }
      const behind = stream(control, slow.label)!;
      expect(behind.dropped, 'the slow stream never fell behind').toBeGreaterThan(0);
      // The counter is in the engine's state too, where the dashboard and the CLI read it.
      const inState = engine.getState().traffic!.subscribers.find((s) => s.label === slow.label);
      expect(inState?.dropped).toBeGreaterThan(0);

      // More load while it stays stuck: the fast subscriber keeps receiving, the proxy keeps answering.
      const fastBefore = fast.records;
      const answeredBefore = status200;
      await load(1000);
      expect(status200 - answeredBefore).toBe(1000);
      await eventually(() => expect(fast.records - fastBefore).toBeGreaterThanOrEqual(1000), { timeoutMs: 15_000, message: 'the fast subscriber stopped receiving' });
      expect(stream(control, fast.label)!.dropped).toBe(0);
      expect(stream(control, slow.label)!.dropped).toBeGreaterThan(behind.dropped);

      // What Berth holds for the stuck client: at most the limit plus the one batch sent just under it.
      const bound = BUFFER_LIMIT + 2 * fast.largestMessage;
      expect(maxBuffered).toBeLessThanOrEqual(bound);
      expect(stream(control, slow.label)!.bufferedAmount).toBeLessThanOrEqual(bound);
      expect(other).toBe(0);
    } finally {
      clearInterval(sampler);
      fast.ws.terminate();
      slow.ws.terminate();
    }
  });

  it('closes a stream that stays behind, and drops it from the state', { timeout: 120_000 }, async () => {
    const impatient = await startControl(engine, { dataDir: mkdtempSync(join(dir, 'c2-')), eventBufferLimit: BUFFER_LIMIT, eventStuckMs: 1000 });
    try {
      const slow = await subscribe(impatient);
      slow.ws.pause();
      for (let chunk = 0; chunk < 40 && impatient.eventStreams().closedBehind === 0; chunk++) {
        await load(500);
        await new Promise((r) => setTimeout(r, 150));
      }
      expect(impatient.eventStreams().closedBehind).toBe(1);
      await eventually(() => expect(engine.getState().traffic!.subscribers.map((s) => s.label)).not.toContain(slow.label));
      expect(stream(impatient, slow.label)).toBeUndefined();
      slow.ws.terminate();
    } finally {
      await impatient.close();
    }
  });
});
