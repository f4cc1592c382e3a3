import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { createPreloadApi, exposeBerthApi } from '../../../main/electron/preload-api.js';
import { registerIpcBridge, type EventSource } from '../../../main/electron/ipc-bridge.js';
import type { Handlers } from '../../../main/control/handlers.js';
import type { EventPayloads, Topic } from '../../../shared/contract/index.js';
import { fakeIpcPair } from '../../helpers/fake-ipc.js';

/** An event source that counts its live subscriptions, as the engine's emitter would hold them. */
function countingSource() {
  const emitter = new EventEmitter();
  const source: EventSource & { live(topic: Topic): number; emit<T extends Topic>(topic: T, payload: EventPayloads[T]): void } = {
    subscribe(topic, handler) {
      emitter.on(topic, handler);
      return () => void emitter.off(topic, handler);
    },
    live: (topic) => emitter.listenerCount(topic),
    emit: (topic, payload) => void emitter.emit(topic, payload),
  };
  return source;
}

const handlers = { getState: async () => ({ version: 1 }) } as unknown as Handlers;

describe('the preload', () => {
  it('exposes exactly call() and subscribe() as window.berth', () => {
    const exposed: Record<string, Record<string, unknown>> = {};
    const { ipcRenderer } = fakeIpcPair();
    exposeBerthApi({ exposeInMainWorld: (key, api) => void (exposed[key] = api) }, ipcRenderer);
    expect(Object.keys(exposed)).toEqual(['berth']);
    expect(Object.keys(exposed.berth!).sort()).toEqual(['call', 'subscribe']);
    expect(typeof exposed.berth!.call).toBe('function');
    expect(typeof exposed.berth!.subscribe).toBe('function');
  });

  it('calls reach the main process handlers over IPC', async () => {
    const { ipcMain, ipcRenderer } = fakeIpcPair();
    registerIpcBridge(ipcMain, { handlers, events: countingSource(), isTrustedSender: () => true });
    await expect(createPreloadApi(ipcRenderer).call('getState', {})).resolves.toEqual({ version: 1 });
  });

  it('releases the main-process subscription when the page’s last handler of a topic unsubscribes', async () => {
    const { ipcMain, ipcRenderer } = fakeIpcPair();
    const source = countingSource();
    registerIpcBridge(ipcMain, { handlers, events: source, isTrustedSender: () => true });
    const api = createPreloadApi(ipcRenderer);
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = api.subscribe('log', (p) => a.push(p));
    const offB = api.subscribe('log', (p) => b.push(p));
    expect(source.live('log')).toBe(1);
    source.emit('log', { level: 'info', message: 'one', at: 1 } as EventPayloads['log']);
    expect([a.length, b.length]).toEqual([1, 1]);

    offA();
    offA();
    expect(source.live('log')).toBe(1);
    source.emit('log', { level: 'info', message: 'two', at: 2 } as EventPayloads['log']);
    expect([a.length, b.length]).toEqual([1, 2]);

    offB();
    expect(source.live('log')).toBe(0);
    source.emit('log', { level: 'info', message: 'three', at: 3 } as EventPayloads['log']);
    expect([a.length, b.length]).toEqual([1, 2]);

    // Subscribing again after everything was released works as the first time.
    const c: unknown[] = [];
    api.subscribe('log', (p) => c.push(p));
    expect(source.live('log')).toBe(1);
    source.emit('log', { level: 'info', message: 'four', at: 4 } as EventPayloads['log']);
    expect(c).toHaveLength(1);
  });
});
