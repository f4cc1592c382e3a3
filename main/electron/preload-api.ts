// What the preload exposes to the page: exactly one call() and one subscribe(), bound to the
// contract's names. Kept free of `electron` so it is tested with a fake ipcRenderer.
import { BerthError, type BerthErrorData } from '../../shared/errors.js';
import type { CallResult, EventPayloads, MethodInput, MethodName, MethodOutput, Topic } from '../../shared/contract/index.js';
import { CALL_CHANNEL, EVENT_CHANNEL, SUBSCRIBE_CHANNEL } from './ipc-channels.js';

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
      set.add(handler as (payload: unknown) => void);
      return () => set.delete(handler as (payload: unknown) => void);
    },
  };
}
