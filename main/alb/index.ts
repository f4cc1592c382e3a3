export { HttpListener, type HttpListenerOptions } from './http-listener.js';
export type { ForwardTarget, ForwardTargetGroup, PickContext, TargetGroupResolver, TrafficSink } from './listener-dependencies.js';
export type { TrafficErrorCode } from './error-responses.js';
export { upstreamClient, UPSTREAM_CLIENT_ENV } from './upstream/index.js';
