// The traffic recorder: a bounded ring buffer of TrafficRecords (memory stays flat at any rate),
// batched delivery to subscribers (a slow one loses its oldest pending records, counted, and never
// grows memory), and metrics computed on read so the proxy's hot path only stores one record.
import type { TrafficRecord } from '../../shared/model/index.js';

export interface RecorderOptions {
  /** Records kept (default 10,000); 0 turns recording off: nothing is stored or streamed. */
  capacity?: number;
}

export interface TrafficQuery {
  listener?: string;
  rule?: string;
  targetGroup?: string;
  target?: string;
  statusClass?: string;
  text?: string;
  /** Only records with id below this (paging backwards). */
  beforeId?: number;
}

export interface SubscribeOptions {
  maxBatchesPerSecond?: number;
  maxPending?: number;
  /** Whether the subscriber can take a batch now; when it cannot, the batch is skipped and counted
   * in `dropped`, so a subscriber that fell behind loses records instead of Berth holding them. */
  ready?: () => boolean;
  /** Names the subscriber in `subscribers()` (and so in the engine's state). */
  label?: string;
}

export interface Subscription {
  unsubscribe(): void;
  /** Records this subscriber did not get: pending ones over `maxPending` and skipped batches. */
  readonly dropped: number;
  readonly delivered: number;
}

export interface SubscriberStats {
  label: string;
  /** Records handed to the subscriber. */
  delivered: number;
  /** Records it lost because it was behind (see `Subscription.dropped`). */
  dropped: number;
}

export interface GroupMetrics {
  targetGroup: string;
  target?: string;
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  status2xx: number;
  status4xx: number;
  status5xx: number;
  errors: number;
  /** Requests per second for each second of the window, oldest first. */
  series: { at: number; requests: number; p50: number; p99: number; errors5xx: number }[];
}

export class TrafficRecorder {
  readonly capacity: number;
  private readonly ring: (TrafficRecord | undefined)[];
  private head = 0;
  private size = 0;
  private seq = 0;
  private readonly subscribers = new Set<SubscriberState>();
  private subscriberSeq = 0;

  constructor(options: RecorderOptions = {}) {
    this.capacity = Math.max(0, options.capacity ?? 10_000);
    this.ring = new Array<TrafficRecord | undefined>(this.capacity);
  }

  nextId(): number {
    return ++this.seq;
  }

  /** False when the recorder was made with capacity 0. */
  get recording(): boolean {
    return this.capacity > 0;
  }

  record(r: TrafficRecord): void {
    if (this.capacity === 0) return;
    this.ring[this.head] = r;
    this.head = (this.head + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
    for (const s of this.subscribers) s.push(r);
  }

  get count(): number {
    return this.size;
  }

  /** Oldest first; at most `limit` of the newest records that match. */
  recent(limit = 200, query: TrafficQuery = {}): TrafficRecord[] {
    const out: TrafficRecord[] = [];
    for (let i = 0; i < this.size && out.length < limit; i++) {
      const r = this.ring[(this.head - 1 - i + this.capacity) % this.capacity]!;
      if (matches(r, query)) out.push(r);
    }
    return out.reverse();
  }

  get(id: number): TrafficRecord | undefined {
    for (let i = 0; i < this.size; i++) {
      const r = this.ring[(this.head - 1 - i + this.capacity) % this.capacity]!;
      if (r.id === id) return r;
      if (r.id < id) return undefined;
    }
    return undefined;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.head = 0;
    this.size = 0;
  }

  subscribe(fn: (records: TrafficRecord[]) => void, options: SubscribeOptions = {}): Subscription {
    const state = new SubscriberState(fn, options.maxBatchesPerSecond ?? 10, options.maxPending ?? 2_000, options.ready, options.label ?? `subscriber ${++this.subscriberSeq}`);
    this.subscribers.add(state);
    return {
      unsubscribe: () => {
        state.close();
        this.subscribers.delete(state);
      },
      get dropped() {
        return state.dropped;
      },
      get delivered() {
        return state.delivered;
      },
    };
  }

  /** Who is subscribed now, and how far each kept up. */
  subscriberStats(): SubscriberStats[] {
    return [...this.subscribers].map((s) => ({ label: s.label, delivered: s.delivered, dropped: s.dropped }));
  }

  /** Per target group and per target over the last `windowSeconds`. */
  metrics(windowSeconds = 300, now = Date.now()): GroupMetrics[] {
    const since = now - windowSeconds * 1000;
    const buckets = new Map<string, { group: string; target?: string; records: TrafficRecord[] }>();
    for (let i = 0; i < this.size; i++) {
      const r = this.ring[(this.head - 1 - i + this.capacity) % this.capacity]!;
      if (r.startedAt < since) break;
      if (!r.targetGroup) continue;
      for (const key of [r.targetGroup, r.target ? `${r.targetGroup}\u0000${r.target}` : undefined]) {
        if (!key) continue;
        let b = buckets.get(key);
        if (!b) buckets.set(key, (b = { group: r.targetGroup, ...(key.includes('\u0000') ? { target: r.target! } : {}), records: [] }));
        b.records.push(r);
      }
    }
    return [...buckets.values()].map((b) => summarise(b.group, b.target, b.records, windowSeconds, now));
  }
}

class SubscriberState {
  dropped = 0;
  delivered = 0;
  private pending: TrafficRecord[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly fn: (records: TrafficRecord[]) => void,
    maxBatchesPerSecond: number,
    private readonly maxPending: number,
    private readonly ready: (() => boolean) | undefined,
    readonly label: string,
  ) {
    this.timer = setInterval(() => this.flush(), Math.max(1, Math.round(1000 / maxBatchesPerSecond)));
    this.timer.unref();
  }

  push(r: TrafficRecord): void {
    if (this.pending.length >= this.maxPending) {
      this.pending.shift();
      this.dropped++;
    }
    this.pending.push(r);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    if (this.ready && !this.ready()) {
      this.dropped += batch.length;
      return;
    }
    this.delivered += batch.length;
    try {
      this.fn(batch);
    } catch {
      // A subscriber's failure is its own; the recorder keeps serving the others.
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}

export function matches(r: TrafficRecord, q: TrafficQuery): boolean {
  if (q.beforeId !== undefined && r.id >= q.beforeId) return false;
  if (q.listener && r.listener !== q.listener) return false;
  if (q.rule && r.rule !== q.rule) return false;
  if (q.targetGroup && r.targetGroup !== q.targetGroup) return false;
  if (q.target && r.target !== q.target) return false;
  if (q.statusClass) {
    if (q.statusClass === 'error') {
      if (!r.error) return false;
    } else if (!r.status || `${Math.floor(r.status / 100)}xx` !== q.statusClass) return false;
  }
  if (q.text) {
    const hay = `${r.method ?? ''} ${r.host ?? ''} ${r.path ?? ''} ${r.target ?? ''} ${r.client} ${r.error ?? ''}`.toLowerCase();
    if (!hay.includes(q.text.toLowerCase())) return false;
  }
  return true;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summarise(group: string, target: string | undefined, records: TrafficRecord[], windowSeconds: number, now: number): GroupMetrics {
  const durations = records.map((r) => r.durationMs).sort((a, b) => a - b);
  const cls = (c: number) => records.filter((r) => r.status !== undefined && Math.floor(r.status / 100) === c).length;
  const seconds = new Map<number, TrafficRecord[]>();
  for (const r of records) {
    const s = Math.floor(r.startedAt / 1000);
    let list = seconds.get(s);
    if (!list) seconds.set(s, (list = []));
    list.push(r);
  }
  const first = Math.floor(now / 1000) - windowSeconds + 1;
  const series = [];
  for (let s = first; s <= Math.floor(now / 1000); s++) {
    const list = seconds.get(s) ?? [];
    const d = list.map((r) => r.durationMs).sort((a, b) => a - b);
    series.push({ at: s * 1000, requests: list.length, p50: percentile(d, 50), p99: percentile(d, 99), errors5xx: list.filter((r) => (r.status ?? 0) >= 500).length });
  }
  return {
    targetGroup: group,
    ...(target ? { target } : {}),
    requests: records.length,
    requestsPerSecond: records.length / windowSeconds,
    p50: percentile(durations, 50),
    p95: percentile(durations, 95),
    p99: percentile(durations, 99),
    status2xx: cls(2),
    status4xx: cls(4),
    status5xx: cls(5),
    errors: records.filter((r) => r.error).length,
    series,
  };
}
