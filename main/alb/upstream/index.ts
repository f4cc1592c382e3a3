export { UpstreamPools, type UpstreamPoolsOptions } from './upstream-pools.js';
export { upstreamClient, chooseUpstreamClient, UPSTREAM_CLIENT_ENV, type UpstreamClient } from './client-choice.js';
export type { UpstreamFlow, UpstreamHandler, UpstreamPool, UpstreamPoolOptions } from './upstream-handler.js';
