// The traffic recorder: a bounded ring buffer of TrafficRecords (memory stays flat at any rate),
// captured headers and bodies kept beside it within a byte budget and handed out only on request,
// batched delivery to subscribers (a slow one loses its oldest pending records, counted, and never
// grows memory), and per-second metrics counted as records arrive.
import { recordFailed, type CapturedBody, type TrafficRecord } from '../../shared/model/index.js';
import { TrafficMetrics, type GroupMetrics } from './traffic-metrics.js';

export type { GroupMetrics, MetricsPoint } from './traffic-metrics.js';

export interface RecorderOptions {
  /** Records kept (default 10,000); 0 turns recording off: nothing is stored or streamed (metrics
   * are still counted: they cost the same at any rate). */
  capacity?: number;
  /** Bytes of captured headers and bodies kept (default 64 MiB); the oldest details go first. */
  detailBudgetBytes?: number;
}

/** What capture adds to a record: header lists as `[name, value, …]` exactly as they went over the
 * wire (turned into objects only when read), and the first bytes of the bodies. */
export interface RecordDetail {
  requestHeaders?: readonly string[] | undefined;
  responseHeaders?: readonly string[] | undefined;
  requestBody?: CapturedBody | undefined;
  responseBody?: CapturedBody | undefined;
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

export class TrafficRecorder {
  readonly capacity: number;
  private readonly ring: (TrafficRecord | undefined)[];
  private readonly details: (RecordDetail | undefined)[];
  private readonly detailBudget: number;
  private detailBytes = 0;
  /** Records written since the start, and the write number from which details may remain. */
  private written = 0;
  private detailCursor = 0;
  private head = 0;
  private size = 0;
  private seq = 0;
  private readonly counters = new TrafficMetrics();
  private readonly subscribers = new Set<SubscriberState>();
  private subscriberSeq = 0;

  constructor(options: RecorderOptions = {}) {
    this.capacity = Math.max(0, options.capacity ?? 10_000);
    this.ring = new Array<TrafficRecord | undefined>(this.capacity);
    this.details = new Array<RecordDetail | undefined>(this.capacity);
    this.detailBudget = options.detailBudgetBytes ?? 64 * 1024 * 1024;
  }

  nextId(): number {
    return ++this.seq;
  }

  /** False when the recorder was made with capacity 0. */
  get recording(): boolean {
    return this.capacity > 0;
  }

  /** Stores a finished record; `detail` is what capture kept of it (not streamed, see `get`). */
  record(r: TrafficRecord, detail?: RecordDetail): void {
    this.counters.add(r);
    if (this.capacity === 0) return;
    const head = this.head;
    const old = this.details[head];
    if (old) this.detailBytes -= detailSize(old);
    this.ring[head] = r;
    this.details[head] = detail;
    this.head = (head + 1) % this.capacity;
    this.written++;
    if (this.size < this.capacity) this.size++;
    if (detail) {
      this.detailBytes += detailSize(detail);
      if (this.detailBytes > this.detailBudget) this.dropOldestDetails();
    }
    for (const s of this.subscribers) s.push(r);
  }

  private dropOldestDetails(): void {
    this.detailCursor = Math.max(this.detailCursor, this.written - this.size);
    while (this.detailBytes > this.detailBudget && this.detailCursor < this.written) {
      const i = this.detailCursor++ % this.capacity;
      const d = this.details[i];
      if (!d) continue;
      this.detailBytes -= detailSize(d);
      this.details[i] = undefined;
    }
  }

  /** Bytes of captured detail held now (bounded by the budget). */
  get detailBytesHeld(): number {
    return this.detailBytes;
  }

  get count(): number {
    return this.size;
  }

  /** Oldest first; at most `limit` of the newest records that match; with their captured headers
   * and bodies when `withDetail` (exports), without them otherwise (lists and streams stay small). */
  recent(limit = 200, query: TrafficQuery = {}, withDetail = false): TrafficRecord[] {
    const out: TrafficRecord[] = [];
    for (let i = 0; i < this.size && out.length < limit; i++) {
      const slot = (this.head - 1 - i + this.capacity) % this.capacity;
      const r = this.ring[slot]!;
      if (matches(r, query)) out.push(withDetail ? withDetails(r, this.details[slot]) : r);
    }
    return out.reverse();
  }

  /** One record with whatever capture kept of its headers and bodies. */
  get(id: number): TrafficRecord | undefined {
    for (let i = 0; i < this.size; i++) {
      const slot = (this.head - 1 - i + this.capacity) % this.capacity;
      const r = this.ring[slot]!;
      if (r.id === id) return withDetails(r, this.details[slot]);
      if (r.id < id) return undefined;
    }
    return undefined;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.details.fill(undefined);
    this.detailBytes = 0;
    this.detailCursor = this.written;
    this.head = 0;
    this.size = 0;
    this.counters.clear();
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
    const hay = `${r.method ?? ''} ${r.host ?? ''} ${r.path ?? ''} ${r.target ?? ''} ${r.client} ${r.error ?? ''}`.toLowerCase();
    if (!hay.includes(q.text.toLowerCase())) return false;
  }
  return true;
}

function detailSize(d: RecordDetail): number {
  let n = (d.requestBody?.data.length ?? 0) + (d.responseBody?.data.length ?? 0);
  for (const list of [d.requestHeaders, d.responseHeaders]) if (list) for (const x of list) n += x.length;
  return n;
}

function withDetails(r: TrafficRecord, d: RecordDetail | undefined): TrafficRecord {
  if (!d) return r;
  return {
    ...r,
    ...(d.requestHeaders ? { requestHeaders: headerObject(d.requestHeaders) } : {}),
    ...(d.responseHeaders ? { responseHeaders: headerObject(d.responseHeaders) } : {}),
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
