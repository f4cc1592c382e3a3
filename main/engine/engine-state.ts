// The engine's state snapshot type lives in shared/ so every front end reads the same shape.
export type { EngineState, ContainerView, ProblemView } from '../../shared/model/index.js';
