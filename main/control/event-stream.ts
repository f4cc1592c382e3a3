// The WebSocket event stream at /api/events: a token message first, then the engine's topics, with
// backpressure so that a client that stops reading never makes Berth hold its traffic.
import type { RawData, WebSocket } from 'ws';
import type { Topic } from '../../shared/contract/index.js';
import type { BerthEngine } from '../engine/index.js';
import { subscribeTopic } from './dispatch.js';
import { tokenMatches } from './request-guard.js';

export interface EventStreamStats {
  label: string;
  /** Bytes queued for the client in this process (not yet handed to the kernel). */
  bufferedAmount: number;
  /** Traffic records sent, and records skipped because the client was behind. */
  delivered: number;
  dropped: number;
}

export interface Streams {
  open: Set<() => EventStreamStats>;
  closedBehind: number;
}

export interface StreamContext {
  engine: BerthEngine;
  token: string;
  streams: Streams;
  bufferLimit: number;
  stuckMs: number;
  /** Logs a client's fault (a malformed message), once per fault. */
  fault: (message: string) => void;
}

/** Close codes: 4400 a message that is not what the stream takes, 4401 no or a wrong token. */
const BAD_MESSAGE = 4400;
const BAD_TOKEN = 4401;

export function stream(ws: WebSocket, ctx: StreamContext, label: string): void {
  const { engine, streams } = ctx;
  const offs: (() => void)[] = [];
  const closeFor = (code: number, reason: string) => {
    ctx.fault(`${label}: closed (${code}): ${reason}`);
    ws.close(code, reason);
  };
  // ws.bufferedAmount is what this process still holds for the client; once the kernel's socket
  // buffers are full it grows with every send, so every send path looks at it.
  let behindSince: number | undefined;
  const behind = (): boolean => {
    if (ws.bufferedAmount <= ctx.bufferLimit) {
      behindSince = undefined;
      return false;
    }
    const now = Date.now();
    behindSince ??= now;
    if (now - behindSince > ctx.stuckMs && ws.readyState === ws.OPEN) {
      streams.closedBehind++;
      ws.terminate();
    }
    return true;
  };
  const send = (topic: Topic, payload: unknown) => {
    if (ws.readyState !== ws.OPEN) return;
    // State, health and log events are small and rare, so they are sent even while the client is
    // behind (it needs the latest state version); the stuck check above bounds them in time.
    if (topic !== 'traffic') behind();
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ topic, payload }));
  };
  const authTimer = setTimeout(() => closeFor(BAD_TOKEN, 'send {"token": …} first'), 5000);
  ws.once('message', (data, isBinary) => {
    clearTimeout(authTimer);
    const given = tokenOf(data, isBinary);
    if (given === undefined) return closeFor(BAD_MESSAGE, 'the first message must be JSON text: {"token": "…"}');
    if (!tokenMatches(given, ctx.token)) return closeFor(BAD_TOKEN, 'invalid token');
    // The stream only speaks; anything the client says after its token is a fault.
    ws.on('message', () => closeFor(BAD_MESSAGE, 'the event stream takes no messages after the token'));
    for (const topic of ['state', 'health', 'log'] as const) {
      const sub = subscribeTopic(engine, topic, (p) => send(topic, p));
      offs.push(() => sub.unsubscribe());
    }
    // A stuck client must not make Berth hold its traffic: the recorder skips (and counts) batches
    // while it is behind, before they are serialised, so a skipped batch costs no JSON either.
    const sub = subscribeTopic(engine, 'traffic', (p) => send('traffic', p), { ready: () => !behind(), label });
    const stats = (): EventStreamStats => ({ label, bufferedAmount: ws.bufferedAmount, delivered: sub.delivered, dropped: sub.dropped });
    streams.open.add(stats);
    offs.push(() => {
      streams.open.delete(stats);
      sub.unsubscribe();
    });
    send('state', { version: engine.getState().version });
  });
  ws.on('close', () => {
    clearTimeout(authTimer);
    offs.forEach((off) => off());
  });
  // ws has already sent a close with a status (1009 too big, 1002 bad frame); say why once. Ending the
  // socket at once would drop the unread rest of the client's frame and reset the connection, and the
  // client would never see that status: give the closing handshake a moment first.
  ws.on('error', (err) => {
    ctx.fault(`${label}: ${err.message}`);
    setTimeout(() => ws.terminate(), 1_000).unref();
  });
}

/** The token of a first message shaped `{"token": "…"}`, read without trusting any of it. */
function tokenOf(data: RawData, isBinary: boolean): string | undefined {
  if (isBinary) return undefined;
  const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) return undefined;
  const token: unknown = (msg as Record<string, unknown>).token;
  return typeof token === 'string' ? token : undefined;
}
