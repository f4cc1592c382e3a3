// The contract over Electron IPC, main side: one `berth:call` channel dispatching to the same
// handlers as the HTTP transport, inputs validated with the contract's schemas, and every message
// checked to come from Berth's own window frame. Written against the small part of ipcMain it uses,
// so it is tested with a fake pair and no Electron binary.
import { BerthError } from '../../shared/errors.js';
import { isMethodName, isTopic, methods, type CallResult, type EventPayloads, type Topic } from '../../shared/contract/index.js';
import type { Handlers } from '../control/handlers.js';

import { CALL_CHANNEL, EVENT_CHANNEL, SUBSCRIBE_CHANNEL, UNSUBSCRIBE_CHANNEL } from './ipc-channels.js';

export { CALL_CHANNEL, EVENT_CHANNEL, SUBSCRIBE_CHANNEL, UNSUBSCRIBE_CHANNEL };

export interface SenderLike {
  id: number;
  send(channel: string, ...args: unknown[]): void;
  once?(event: 'destroyed', fn: () => void): void;
}

export interface IpcEventLike {
  sender: SenderLike;
  senderFrame: { url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, fn: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  on(channel: string, fn: (event: IpcEventLike, ...args: unknown[]) => void): void;
  removeHandler(channel: string): void;
  removeAllListeners(channel: string): void;
}

export interface EventSource {
  subscribe<T extends Topic>(topic: T, handler: (payload: EventPayloads[T]) => void): () => void;
}

export interface IpcBridgeOptions {
  handlers: Handlers;
  events: EventSource;
  /** True only for Berth's own window and its own page. */
  isTrustedSender: (event: IpcEventLike) => boolean;
}

export function registerIpcBridge(ipcMain: IpcMainLike, { handlers, events, isTrustedSender }: IpcBridgeOptions): () => void {
  const subscriptions = new Map<string, () => void>();

  ipcMain.handle(CALL_CHANNEL, async (event, method, input): Promise<CallResult<unknown>> => {
    try {
      if (!isTrustedSender(event)) throw new BerthError('FORBIDDEN', 'IPC call from a frame that is not Berth’s window');
      if (typeof method !== 'string' || !isMethodName(method)) throw new BerthError('BAD_INPUT', `no method "${String(method)}"`);
      const parsed = methods[method].input.safeParse(input ?? {});
      if (!parsed.success) throw new BerthError('BAD_INPUT', `${method}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ')}`);
      return { ok: true, result: await (handlers[method] as (i: unknown) => Promise<unknown>)(parsed.data) };
    } catch (err) {
      const e = err instanceof BerthError ? err : new BerthError('INTERNAL', err instanceof Error ? err.message : String(err), undefined, false);
      return { ok: false, error: e.toJSON() };
    }
  });

  ipcMain.on(SUBSCRIBE_CHANNEL, (event, topic) => {
    if (!isTrustedSender(event) || typeof topic !== 'string' || !isTopic(topic)) return;
    const key = `${event.sender.id}:${topic}`;
    if (subscriptions.has(key)) return;
    subscriptions.set(key, events.subscribe(topic, (payload) => event.sender.send(EVENT_CHANNEL, topic, payload)));
    event.sender.once?.('destroyed', () => {
      subscriptions.get(key)?.();
      subscriptions.delete(key);
    });
  });

  ipcMain.on(UNSUBSCRIBE_CHANNEL, (event, topic) => {
    const key = `${event.sender.id}:${String(topic)}`;
    subscriptions.get(key)?.();
    subscriptions.delete(key);
  });

  return () => {
    ipcMain.removeHandler(CALL_CHANNEL);
    ipcMain.removeAllListeners(SUBSCRIBE_CHANNEL);
    ipcMain.removeAllListeners(UNSUBSCRIBE_CHANNEL);
    for (const off of subscriptions.values()) off();
    subscriptions.clear();
  };
}
