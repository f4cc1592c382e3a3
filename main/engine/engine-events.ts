// The engine's typed event stream: what the CLI prints, and what the control API, the UI and the
// tray subscribe to.
import { EventEmitter } from 'node:events';
import type { TargetHealthReason, TargetHealthState } from '../../shared/model/index.js';

export interface EngineEvents {
  /** Anything in getState() changed; `version` increases by one each time. */
  state: [{ version: number }];
  /** The set of registered targets of a group changed (registration, deregistration), or its Docker
   * targets became stale (Docker unreachable) or current again. */
  targets: [{ targetGroup: string; targets: { id: string; health: TargetHealthState; stale?: boolean }[] }];
  health: [{ targetGroup: string; target: string; from: TargetHealthState; to: TargetHealthState; reason?: TargetHealthReason }];
  log: [{ level: 'info' | 'warn' | 'error'; message: string; at: number }];
}

export class TypedEmitter<E extends { [K in keyof E]: unknown[] }> {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Many front ends may subscribe (UI, tray, CLI, tests); the default cap of 10 is a false alarm here.
    this.emitter.setMaxListeners(0);
  }

  on<K extends keyof E & string>(event: K, fn: (...args: E[K]) => void): () => void {
    this.emitter.on(event, fn as (...args: unknown[]) => void);
    return () => this.emitter.off(event, fn as (...args: unknown[]) => void);
  }

  protected emit<K extends keyof E & string>(event: K, ...args: E[K]): void {
    this.emitter.emit(event, ...args);
  }
}
