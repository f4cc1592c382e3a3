// The contract over Electron IPC, main side: one `berth:call` channel handed to the control API's
// dispatcher (the same validation and error shape as HTTP), and every message checked to come from
// Berth's own window frame. Written against the small part of ipcMain it uses, so it is tested with a
// fake pair and no Electron binary.
import { BerthError } from '../../shared/errors.js';
import { isTopic, type CallResult, type EventPayloads, type Topic } from '../../shared/contract/index.js';
import { callMethod, type Handlers } from '../control/index.js';

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
    if (!isTrustedSender(event)) return { ok: false, error: new BerthError('FORBIDDEN', 'IPC call from a frame that is not Berth’s window').toJSON() };
    return callMethod(handlers, method, input);
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
