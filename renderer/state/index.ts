export { BerthProvider, createStores, useClient, useEngine, useHealthLog, useStores, useTraffic, type BerthStores } from './berth-context.js';
export { EngineStore, type EngineSnapshot } from './engine-store.js';
export { TrafficStore, TRAFFIC_BUFFER, type TrafficSnapshot, type FrameScheduler } from './traffic-store.js';
export { HealthLog, type HealthTransition } from './health-log.js';
export { EventLog, type EventLogEntry } from './event-log.js';
