// What the preload exposes to the page: exactly one call() and one subscribe(), bound to the
// contract's names. Kept free of `electron` so it is tested with a fake ipcRenderer.
import { BerthError, type BerthErrorData } from '../../shared/errors.js';
import type { CallResult, EventPayloads, MethodInput, MethodName, MethodOutput, Topic } from '../../shared/contract/index.js';
import { CALL_CHANNEL, EVENT_CHANNEL, SUBSCRIBE_CHANNEL, UNSUBSCRIBE_CHANNEL } from './ipc-channels.js';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, fn: (event: unknown, ...args: unknown[]) => void): void;
}

export interface PreloadApi {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  subscribe<T extends Topic>(topic: T, handler: (payload: EventPayloads[T]) => void): () => void;
}

export function createPreloadApi(ipc: IpcRendererLike): PreloadApi {
  const handlers = new Map<string, Set<(payload: unknown) => void>>();
  ipc.on(EVENT_CHANNEL, (_event, topic, payload) => {
    for (const h of handlers.get(String(topic)) ?? []) h(payload);
  });
  return {
    async call(method, input) {
      const result = (await ipc.invoke(CALL_CHANNEL, method, input)) as CallResult<never>;
      if (!result.ok) throw BerthError.from(result.error as BerthErrorData);
      return result.result;
    },
    subscribe(topic, handler) {
      let set = handlers.get(topic);
      if (!set) {
        handlers.set(topic, (set = new Set()));
        ipc.send(SUBSCRIBE_CHANNEL, topic);
      }
      const h = handler as (payload: unknown) => void;
      set.add(h);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        set.delete(h);
        // The last handler of a topic gone: the main process stops sending it (and stops holding
        // an engine subscription for this window).
        if (set.size === 0 && handlers.get(topic) === set) {
          handlers.delete(topic);
          ipc.send(UNSUBSCRIBE_CHANNEL, topic);
        }
      };
    },
  };
}

export interface ContextBridgeLike {
  exposeInMainWorld(key: string, api: Record<string, unknown>): void;
}

/** Puts exactly call() and subscribe() on `window.berth`; nothing else of the IPC object leaks. */
export function exposeBerthApi(contextBridge: ContextBridgeLike, ipc: IpcRendererLike): void {
  const api = createPreloadApi(ipc);
  contextBridge.exposeInMainWorld('berth', { call: api.call, subscribe: api.subscribe });
}
