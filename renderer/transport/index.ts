export { connect, type Connection, type BerthClient } from './client.js';
export { IpcBerthClient, isPreloadBridge, type PreloadBridge } from './ipc-client.js';
export { takeToken, type TokenEnvironment } from './token.js';
