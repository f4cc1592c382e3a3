// The sandboxed preload: exposes `window.berth` with exactly call() and subscribe() — nothing else
// of Node or Electron reaches the page.
import { contextBridge, ipcRenderer } from 'electron';
import { exposeBerthApi } from './preload-api.js';

exposeBerthApi(contextBridge, ipcRenderer);
