// Which transport the page uses, decided once at start-up by what it finds: the Electron preload's
// `window.berth` bridge, else the control API that served this page (HTTP + WebSocket, same origin)
// with the token from the URL fragment or this tab's sessionStorage.
import { HttpBerthClient, type BerthClient } from '../../shared/contract/index.js';
import { BerthError } from '../../shared/errors.js';
import { IpcBerthClient, isPreloadBridge } from './ipc-client.js';
import { takeToken } from './token.js';

export type { BerthClient };

export interface Connection {
  client: BerthClient;
  transport: 'ipc' | 'http';
}

export function connect(win: Window & { berth?: unknown } = window): Connection {
  if (isPreloadBridge(win.berth)) return { client: new IpcBerthClient(win.berth), transport: 'ipc' };
  const token = takeToken({ location: win.location, history: win.history, storage: win.sessionStorage });
  if (!token) {
    throw new BerthError(
      'UNAUTHORIZED',
      'This page needs the token of the running Berth. Open the dashboard link that `berth up` prints (it ends in #token=…); the token is also in control.json in Berth\'s data folder.',
    );
  }
  return { client: new HttpBerthClient({ baseUrl: win.location.origin, token }), transport: 'http' };
}
