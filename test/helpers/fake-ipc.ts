// A fake ipcMain/ipcRenderer pair: arguments cross as structured clones, as over real IPC, so the
// contract suite runs over the Electron transport without an Electron binary.
import { EventEmitter } from 'node:events';
import type { IpcEventLike, IpcMainLike, SenderLike } from '../../main/electron/ipc-bridge.js';
import type { IpcRendererLike } from '../../main/electron/preload-api.js';

export function fakeIpcPair(frameUrl = 'file:///app/renderer/dist/index.html', senderId = 1) {
  const handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>();
  const mainListeners = new EventEmitter();
  const rendererListeners = new EventEmitter();
  const sender: SenderLike = { id: senderId, send: (channel, ...args) => rendererListeners.emit(channel, {}, ...structuredClone(args)) };
  const event = (): IpcEventLike => ({ sender, senderFrame: { url: frameUrl } });
  const ipcMain: IpcMainLike = {
    handle: (channel, fn) => void handlers.set(channel, fn),
    on: (channel, fn) => void mainListeners.on(channel, fn),
    removeHandler: (channel) => void handlers.delete(channel),
    removeAllListeners: (channel) => void mainListeners.removeAllListeners(channel),
  };
  const ipcRenderer: IpcRendererLike = {
    invoke: async (channel, ...args) => {
      const fn = handlers.get(channel);
      if (!fn) throw new Error(`No handler registered for '${channel}'`);
      return structuredClone(await fn(event(), ...structuredClone(args)));
    },
    send: (channel, ...args) => void mainListeners.emit(channel, event(), ...structuredClone(args)),
    on: (channel, fn) => void rendererListeners.on(channel, fn),
  };
  return { ipcMain, ipcRenderer };
}
