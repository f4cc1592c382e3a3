export { TargetGroupRuntime, type InFlightRequest, type PickContext, type Pick, type RuntimeTarget, type HealthEvent, type TargetGroupRuntimeOptions } from './target-group-runtime.js';
export { runHealthCheck, matcherAccepts } from './health-check.js';
