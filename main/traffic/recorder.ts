// The traffic recorder: a bounded ring of TrafficRecords (memory stays flat at any rate, and the
// records are kept as numbers and bytes, not objects: record-ring.ts), captured headers and bodies
// kept beside them within a byte budget and handed out only on request,
// batched delivery to subscribers (a slow one loses its oldest pending records, counted, and never
// grows memory), and per-second metrics counted as records arrive.
import { recordFailed, type TrafficRecord } from '../../shared/model/index.js';
import { RecordRing, type DecodedDetail, type StoredDetail } from './record-ring.js';
import { TrafficMetrics, type GroupMetrics } from './traffic-metrics.js';

export { packHeaders } from './record-ring.js';

export type { GroupMetrics, MetricsPoint } from './traffic-metrics.js';

export interface RecorderOptions {
  /** Records kept (default 10,000); 0 turns recording off: nothing is stored or streamed (metrics
   * are still counted: they cost the same at any rate). */
  capacity?: number;
  /** Bytes of captured headers and bodies kept (default 64 MiB); the oldest details go first. */
  detailBudgetBytes?: number;
}

/** What capture adds to a record: header lists as `[name, value, …]` exactly as they went over the
 * wire, or packed into one string by `packHeaders` (turned into objects only when read), and the
 * first bytes of the bodies. */
export type RecordDetail = StoredDetail;

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

export class TrafficRecorder {
  readonly capacity: number;
  private readonly ring: RecordRing;
  private head = 0;
  private size = 0;
  private seq = 0;
  private readonly counters = new TrafficMetrics();
  private readonly subscribers = new Set<SubscriberState>();
  private subscriberSeq = 0;
  /** Names the container behind a client address (set while containers can reach Berth). */
  clientNames: ((address: string, at: number) => string | undefined) | undefined;

  constructor(options: RecorderOptions = {}) {
    this.capacity = Math.max(0, options.capacity ?? 10_000);
    this.ring = new RecordRing(this.capacity, options.detailBudgetBytes ?? 64 * 1024 * 1024);
  }

  nextId(): number {
    return ++this.seq;
  }

  /** False when the recorder was made with capacity 0. */
  get recording(): boolean {
    return this.capacity > 0;
  }

  /** Stores a finished record; `detail` is what capture kept of it (not streamed, see `get`). The
   * record is copied into the ring: the object itself is not kept (subscribers get it, though). */
  record(r: TrafficRecord, detail?: RecordDetail): void {
    this.counters.add(r);
    if (this.capacity === 0) return;
    const head = this.head;
    this.ring.write(head, r, detail);
    this.head = head + 1 === this.capacity ? 0 : head + 1;
    if (this.size < this.capacity) this.size++;
    if (this.subscribers.size > 0) {
      const named = this.named(r);
      for (const s of this.subscribers) s.push(named);
    }
  }

  /** Bytes of captured detail held now (bounded by the budget). */
  get detailBytesHeld(): number {
    let n = 0;
    for (let i = 0; i < this.size; i++) n += this.ring.detailSize(this.slot(i));
    return n;
  }

  get count(): number {
    return this.size;
  }

  /** Oldest first; at most `limit` of the newest records that match; with their captured headers
   * and bodies when `withDetail` (exports), without them otherwise (lists and streams stay small). */
  recent(limit = 200, query: TrafficQuery = {}, withDetail = false): TrafficRecord[] {
    const out: TrafficRecord[] = [];
    for (let i = 0; i < this.size && out.length < limit; i++) {
      const slot = this.slot(i);
      if (query.beforeId !== undefined && this.ring.id(slot) >= query.beforeId) continue;
      const r = this.named(this.ring.read(slot));
      if (matches(r, query)) out.push(withDetail ? withDetails(r, this.ring.readDetail(slot)) : r);
    }
    return out.reverse();
  }

  /** One record with whatever capture kept of its headers and bodies. */
  get(id: number): TrafficRecord | undefined {
    for (let i = 0; i < this.size; i++) {
      const slot = this.slot(i);
      const at = this.ring.id(slot);
      if (at === id) return withDetails(this.named(this.ring.read(slot)), this.ring.readDetail(slot));
      if (at < id) return undefined;
    }
    return undefined;
  }

  /** The record with its client's container name, when one is known; the record itself otherwise. */
  private named(r: TrafficRecord): TrafficRecord {
    const name = this.clientNames?.(r.client, r.startedAt);
    return name ? { ...r, clientContainer: name } : r;
  }

  clear(): void {
    this.ring.clear();
    this.head = 0;
    this.size = 0;
    this.counters.clear();
  }

  /** The slot of the i-th newest record. */
  private slot(i: number): number {
    return (this.head - 1 - i + this.capacity) % this.capacity;
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

  /** Per target group and per target over the last `windowSeconds` (at most an hour). */
  metrics(windowSeconds = 300, now = Date.now()): GroupMetrics[] {
    return this.counters.read(windowSeconds, now);
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
      if (!recordFailed(r)) return false;
    } else if (!r.status || `${Math.floor(r.status / 100)}xx` !== q.statusClass) return false;
  }
  if (q.text) {
    const hay = `${r.method ?? ''} ${r.host ?? ''} ${r.path ?? ''} ${r.target ?? ''} ${r.client} ${r.clientContainer ?? ''} ${r.error ?? ''}`.toLowerCase();
    if (!hay.includes(q.text.toLowerCase())) return false;
  }
  return true;
}

function withDetails(r: TrafficRecord, d: DecodedDetail | undefined): TrafficRecord {
  if (!d) return r;
  return {
    ...r,
    ...(d.requestHeaders !== undefined ? { requestHeaders: headerObject(d.requestHeaders) } : {}),
    ...(d.responseHeaders !== undefined ? { responseHeaders: headerObject(d.responseHeaders) } : {}),
    ...(d.requestBody ? { requestBody: d.requestBody } : {}),
    ...(d.responseBody ? { responseBody: d.responseBody } : {}),
  };
}

/** `[name, value, …]` as an object keyed by lower-case name; repeated headers become lists, in order. */
export function headerObject(flat: readonly string[]): Record<string, string | string[]> {
  // A Map, then fromEntries: a header named `__proto__` stays a header.
  const byName = new Map<string, string | string[]>();
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i]!.toLowerCase();
    const value = flat[i + 1]!;
    const prev = byName.get(name);
    byName.set(name, prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value]);
  }
  return Object.fromEntries(byName);
}
