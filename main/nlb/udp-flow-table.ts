// The UDP listener's flow table: flows by client address:port, kept in order of last activity so the
// oldest idle flow is found in O(1) for idle expiry and for eviction when the table is full. Pure: the
// caller passes the time, so it is tested with a fake clock.

/** What the table needs of a flow: the links of its activity list and when it last carried a datagram. */
export interface FlowEntry {
  readonly key: string;
  lastActiveAt: number;
  /** Activity list links, owned by the table. */
  older?: FlowEntry | undefined;
  newer?: FlowEntry | undefined;
}

export interface FlowTableOptions {
  maxFlows: number;
  idleTimeoutMs: number;
}

export class FlowTable<F extends FlowEntry> {
  private readonly byKey = new Map<string, F>();
  /** Least recently active first. */
  private oldest: F | undefined;
  private newest: F | undefined;
  maxFlows: number;
  idleTimeoutMs: number;
  /** Flows pushed out to make room for a new one, since the table was made. */
  evicted = 0;
  /** The most flows the table ever held at once. */
  peak = 0;

  constructor(options: FlowTableOptions) {
    this.maxFlows = Math.max(1, options.maxFlows);
    this.idleTimeoutMs = options.idleTimeoutMs;
  }

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): F | undefined {
    return this.byKey.get(key);
  }

  /**
   * Adds a new flow as the most recently active one. When the table is full the least recently
   * active flows are removed first and returned, so the caller can close and record them.
   */
  add(flow: F, now: number): F[] {
    const evicted: F[] = [];
    const existing = this.byKey.get(flow.key);
    if (existing) this.delete(existing);
    while (this.byKey.size >= this.maxFlows && this.oldest) {
      const victim = this.oldest;
      this.delete(victim);
      this.evicted++;
      evicted.push(victim);
    }
    flow.lastActiveAt = now;
    this.byKey.set(flow.key, flow);
    this.append(flow);
    if (this.byKey.size > this.peak) this.peak = this.byKey.size;
    return evicted;
  }

  /** A datagram in either direction: the flow becomes the most recently active. */
  touch(flow: F, now: number): void {
    flow.lastActiveAt = now;
    if (this.newest === flow || this.byKey.get(flow.key) !== flow) return;
    this.unlink(flow);
    this.append(flow);
  }

  delete(flow: F): boolean {
    if (this.byKey.get(flow.key) !== flow) return false;
    this.byKey.delete(flow.key);
    this.unlink(flow);
    return true;
  }

  /** Removes and returns the flows idle for the whole timeout at `now`, oldest first. */
  expire(now: number): F[] {
    const out: F[] = [];
    while (this.oldest && now - this.oldest.lastActiveAt >= this.idleTimeoutMs) {
      const flow = this.oldest;
      this.delete(flow);
      out.push(flow);
    }
    return out;
  }

  /** When the oldest flow will have been idle for the timeout; undefined for an empty table. */
  nextExpiryAt(): number | undefined {
    return this.oldest ? this.oldest.lastActiveAt + this.idleTimeoutMs : undefined;
  }

  /** Shrinking the table (a config change) evicts the least recently active flows over the new cap. */
  resize(maxFlows: number): F[] {
    this.maxFlows = Math.max(1, maxFlows);
    const out: F[] = [];
    while (this.byKey.size > this.maxFlows && this.oldest) {
      const victim = this.oldest;
      this.delete(victim);
      this.evicted++;
      out.push(victim);
    }
    return out;
  }

  /** Least recently active first. */
  *values(): IterableIterator<F> {
    for (let f = this.oldest; f; f = f.newer as F | undefined) yield f;
  }

  /** Empties the table and returns what it held, oldest first. */
  clear(): F[] {
    const all = [...this.values()];
    for (const f of all) {
      f.older = undefined;
      f.newer = undefined;
    }
    this.byKey.clear();
    this.oldest = undefined;
    this.newest = undefined;
    return all;
  }

  private append(flow: F): void {
    flow.older = this.newest;
    flow.newer = undefined;
    if (this.newest) this.newest.newer = flow;
    else this.oldest = flow;
    this.newest = flow;
  }

  private unlink(flow: F): void {
    const { older, newer } = flow;
    if (older) older.newer = newer;
    else if (this.oldest === flow) this.oldest = newer as F | undefined;
    if (newer) newer.older = older;
    else if (this.newest === flow) this.newest = older as F | undefined;
    flow.older = undefined;
    flow.newer = undefined;
  }
}
