export * from './methods.js';
export type * from './certificate-views.js';
export * from './events.js';
export * from './client.js';
export * from './http-client.js';
