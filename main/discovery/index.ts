// Docker discovery: where the engine is, what containers it runs, and which of them a selector picks.
export * from './container-snapshot.js';
export * from './docker-endpoint.js';
export * from './docker-discovery.js';
export * from './targets-builder.js';
