// Live traffic: records arrive in batches over the event stream, are queued, and are flushed into
// the visible list once per animation frame (never per record); the list is bounded, oldest first
// out, so the page's memory stays flat however long traffic flows.
import type { BerthClient } from '../../shared/contract/index.js';
import type { TrafficRecord } from '../../shared/model/index.js';
import type { EventLog } from './event-log.js';

export const TRAFFIC_BUFFER = 5_000;

export interface TrafficSnapshot {
  records: readonly TrafficRecord[];
  /** Records the engine skipped because this page fell behind (its running count). */
  dropped: number;
  loading: boolean;
  error?: string;
}

export type FrameScheduler = (flush: () => void) => void;

const nextFrame: FrameScheduler = (flush) => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => flush());
  else setTimeout(flush, 16);
};

export class TrafficStore {
  private snap: TrafficSnapshot = { records: [], dropped: 0, loading: true };
  private queue: TrafficRecord[] = [];
  private serverDropped = 0;
  private scheduled = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly client: BerthClient,
    private readonly options: { capacity?: number; schedule?: FrameScheduler; log?: EventLog } = {},
  ) {}

  start(): () => void {
    // Subscribe first, then load history, so nothing falls between the two; duplicates are skipped.
    const off = this.client.subscribe('traffic', ({ records, dropped }) => {
      this.serverDropped = Math.max(this.serverDropped, dropped);
      for (const r of records) this.queue.push(r);
      // Rows beyond the buffer would be trimmed at the flush anyway: keep the queue bounded too.
      if (this.queue.length > 2 * this.capacity) this.queue = this.queue.slice(-this.capacity);
      this.schedule();
    });
    this.client.call('getTraffic', { limit: Math.min(this.capacity, 1000) }).then(
      ({ records }) => {
        const first = this.snap.records[0]?.id ?? this.queue[0]?.id ?? Infinity;
        const older = records.filter((r) => r.id < first);
        this.set({ ...this.snap, records: this.bounded([...older, ...this.snap.records]), loading: false });
      },
      (err: unknown) => this.set({ ...this.snap, loading: false, error: err instanceof Error ? err.message : String(err) }),
    );
    return off;
  }

  readonly getSnapshot = (): TrafficSnapshot => this.snap;

  readonly subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  clear(): void {
    this.queue = [];
    this.set({ ...this.snap, records: [], dropped: 0 });
  }

  /** Applies the queue now (the frame callback; tests call it directly). */
  flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const started = performance.now();
    const last = this.snap.records[this.snap.records.length - 1]?.id ?? -1;
    const fresh = this.queue.filter((r) => r.id > last);
    const count = this.queue.length;
    this.queue = [];
    this.set({ ...this.snap, records: this.bounded(this.snap.records.concat(fresh)), dropped: this.serverDropped });
    this.options.log?.add('traffic', `${count} records`, performance.now() - started);
  }

  private get capacity(): number {
    return this.options.capacity ?? TRAFFIC_BUFFER;
  }

  private bounded(records: readonly TrafficRecord[]): readonly TrafficRecord[] {
    return records.length > this.capacity ? records.slice(-this.capacity) : records;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    (this.options.schedule ?? nextFrame)(() => this.flush());
  }

  private set(next: TrafficSnapshot): void {
    this.snap = next;
    for (const fn of this.listeners) fn();
  }
}
