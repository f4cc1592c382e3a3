// Recent target health transitions, kept for the metrics charts' markers; bounded like everything else.
import type { BerthClient, EventPayloads } from '../../shared/contract/index.js';
import type { EventLog } from './event-log.js';

export type HealthTransition = EventPayloads['health'] & { at: number };

export class HealthLog {
  private items: readonly HealthTransition[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly client: BerthClient,
    private readonly log?: EventLog,
    private readonly capacity = 500,
  ) {}

  start(): () => void {
    return this.client.subscribe('health', (e) => {
      this.log?.add('health', `${e.targetGroup} ${e.target} ${e.from} → ${e.to}`);
      this.items = [...this.items.slice(-(this.capacity - 1)), { ...e, at: Date.now() }];
      for (const fn of this.listeners) fn();
    });
  }

  readonly getSnapshot = (): readonly HealthTransition[] => this.items;

  readonly subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
}
