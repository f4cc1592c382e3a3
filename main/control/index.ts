export { parseControlAddress, startControl, type ControlOptions, type ControlServer } from './control-server.js';
export { createHandlers, type Handlers } from './handlers.js';
export { callMethod, subscribeTopic } from './dispatch.js';
export { inProcessClient } from './in-process-client.js';
export { readControlFile, controlFile, type ControlEndpoint } from './control-file.js';
