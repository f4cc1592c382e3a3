// Event topics streamed to subscribers (WebSocket, IPC, in-process).
import type { TargetHealthReason, TargetHealthState, TrafficRecord } from '../model/index.js';

export interface EventPayloads {
  state: { version: number };
  health: { targetGroup: string; target: string; from: TargetHealthState; to: TargetHealthState; reason?: TargetHealthReason };
  traffic: { records: TrafficRecord[]; dropped: number };
  log: { level: 'info' | 'warn' | 'error'; message: string; at: number };
}

export type Topic = keyof EventPayloads;
export const TOPICS: readonly Topic[] = ['state', 'health', 'traffic', 'log'];

export function isTopic(t: string): t is Topic {
  return (TOPICS as readonly string[]).includes(t);
}
