// The sandboxed preload: exposes `window.berth` with exactly call() and subscribe() — nothing else
// of Node or Electron reaches the page.
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './preload-api.js';

const api = createPreloadApi(ipcRenderer);
contextBridge.exposeInMainWorld('berth', { call: api.call, subscribe: api.subscribe });
