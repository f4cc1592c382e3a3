export { BerthEngine, type EngineOptions } from './berth-engine.js';
export type { EngineState, ContainerView, ProblemView } from './engine-state.js';
export type { EngineEvents } from './engine-events.js';
export type { ListenerRuntime, ListenerContext, ListenerFactory } from './listener-runtime.js';
export { listenerId, listenerKey, listenerUrl } from './listener-runtime.js';
