// Per target group and per target: counters and a latency histogram for each second (and each 10 s
// for longer windows), kept in fixed rings so any request rate costs the same memory, updated in
// O(1) without allocating, and summed only when someone reads the metrics.
import { recordFailed, type TrafficRecord } from '../../shared/model/index.js';

export interface MetricsPoint {
  /** Epoch ms at the start of the point's slot. */
  at: number;
  /** Requests per second in that slot. */
  requests: number;
  p50: number;
  p99: number;
  /** 5xx responses per second in that slot. */
  errors5xx: number;
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
  status3xx: number;
  status4xx: number;
  status5xx: number;
  errors: number;
  /** One point per second of the window (per 10 s beyond 10 minutes), oldest first. */
  series: MetricsPoint[];
}

// Latency buckets: [0, 10 µs) and then a third of an octave each (26 % wide, so a percentile read
// from its bucket's geometric middle is within 13 % of the truth) up to ~18 minutes; the last
// bucket holds anything longer.
const LOWEST_MS = 0.01;
const PER_OCTAVE = 3;
export const LATENCY_BUCKETS = 80;

/** Bucket of a duration in ms. */
export function latencyBucket(ms: number): number {
  if (!(ms >= LOWEST_MS)) return 0;
  const i = 1 + Math.floor(Math.log2(ms / LOWEST_MS) * PER_OCTAVE);
  return i < LATENCY_BUCKETS ? i : LATENCY_BUCKETS - 1;
}

/** The value a bucket stands for: its geometric middle (its lower edge for the open-ended last one). */
export function bucketValue(i: number): number {
  if (i === 0) return LOWEST_MS / 2;
  const low = LOWEST_MS * 2 ** ((i - 1) / PER_OCTAVE);
  return i === LATENCY_BUCKETS - 1 ? low : low * 2 ** (0.5 / PER_OCTAVE);
}

// One slot's layout in the ring's Uint32Array.
const STAMP = 0; // slot number (epoch seconds / width) + 1, so 0 means never used
const COUNT = 1;
const S2XX = 2;
const S3XX = 3;
const S4XX = 4;
const S5XX = 5;
const ERRORS = 6;
const TIMED = 7; // requests whose latency went into the histogram
const HIST = 8;
const STRIDE = HIST + LATENCY_BUCKETS;

/** Slots of `widthSeconds` each, `slots` of them; a slot is reused when its time comes round again. */
class SlotRing {
  readonly data: Uint32Array;

  constructor(
    readonly widthSeconds: number,
    readonly slots: number,
  ) {
    this.data = new Uint32Array(slots * STRIDE);
  }

  add(atMs: number, status: number, error: boolean, latencyMs: number | undefined): void {
    const n = Math.floor(atMs / 1000 / this.widthSeconds);
    const base = (n % this.slots) * STRIDE;
    const d = this.data;
    const stamp = d[base + STAMP]!;
    if (stamp !== n + 1) {
      // A record for a slot the ring has already moved past is too old to count anywhere.
      if (stamp > n + 1) return;
      d.fill(0, base, base + STRIDE);
      d[base + STAMP] = n + 1;
    }
    d[base + COUNT]!++;
    const cls = (status / 100) | 0;
    if (cls >= 2 && cls <= 5) d[base + cls]!++;
    if (error) d[base + ERRORS]!++;
    if (latencyMs !== undefined) {
      d[base + TIMED]!++;
      d[base + HIST + latencyBucket(latencyMs)]!++;
    }
  }

  /** Offset of slot `n`'s data, or -1 when the ring holds another time there. */
  offset(n: number): number {
    const base = (n % this.slots) * STRIDE;
    return this.data[base + STAMP] === n + 1 ? base : -1;
  }
}

/** Ten minutes of one-second slots, then 10 s slots to an hour: about 340 KB per group or target
 * once written, however many requests it sees. */
export const FINE_SECONDS = 600;
export const COARSE_SECONDS = 3600;

class Series {
  readonly fine = new SlotRing(1, FINE_SECONDS);
  readonly coarse = new SlotRing(10, COARSE_SECONDS / 10);
  lastAt = 0;

  add(r: TrafficRecord): void {
    const at = r.startedAt + r.durationMs;
    // A WebSocket's or an L4 connection's lifetime is not a response time.
    const latency = r.kind === 'http' ? r.durationMs : undefined;
    const status = r.status ?? 0;
    // A UDP flow always ends with a reason; only the failures among them are errors.
    const error = recordFailed(r);
    this.fine.add(at, status, error, latency);
    this.coarse.add(at, status, error, latency);
    if (at > this.lastAt) this.lastAt = at;
  }
}

class GroupSeries extends Series {
  readonly targets = new Map<string, Series>();
}

export class TrafficMetrics {
  private readonly groups = new Map<string, GroupSeries>();

  add(r: TrafficRecord): void {
    const name = r.targetGroup;
    if (name === undefined) return;
    let group = this.groups.get(name);
    if (!group) this.groups.set(name, (group = new GroupSeries()));
    group.add(r);
    if (r.target === undefined) return;
    let target = group.targets.get(r.target);
    if (!target) group.targets.set(r.target, (target = new Series()));
    target.add(r);
  }

  clear(): void {
    this.groups.clear();
  }

  /** Every group and target that saw a request in the last `windowSeconds` (at most an hour). */
  read(windowSeconds: number, now: number): GroupMetrics[] {
    const window = Math.max(1, Math.min(COARSE_SECONDS, Math.round(windowSeconds)));
    const out: GroupMetrics[] = [];
    for (const [name, group] of this.groups) {
      // Series silent for longer than the longest window hold nothing anyone can ask for.
      if (group.lastAt < now - COARSE_SECONDS * 1000) {
        this.groups.delete(name);
        continue;
      }
      const g = summarise(group, window, now);
      if (g.requests === 0) continue;
      out.push({ targetGroup: name, ...g });
      for (const [id, target] of group.targets) {
        if (target.lastAt < now - COARSE_SECONDS * 1000) {
          group.targets.delete(id);
          continue;
        }
        const t = summarise(target, window, now);
        if (t.requests > 0) out.push({ targetGroup: name, target: id, ...t });
      }
    }
    return out;
  }
}

function summarise(series: Series, window: number, now: number): Omit<GroupMetrics, 'targetGroup' | 'target'> {
  const ring = window <= FINE_SECONDS ? series.fine : series.coarse;
  const width = ring.widthSeconds;
  const last = Math.floor(now / 1000 / width);
  const slots = Math.ceil(window / width);
  const d = ring.data;
  const totals = new Float64Array(HIST);
  const hist = new Float64Array(LATENCY_BUCKETS);
  const points: MetricsPoint[] = [];
  for (let n = last - slots + 1; n <= last; n++) {
    const base = ring.offset(n);
    if (base < 0) {
      points.push({ at: n * width * 1000, requests: 0, p50: 0, p99: 0, errors5xx: 0 });
      continue;
    }
    for (let k = COUNT; k < HIST; k++) totals[k]! += d[base + k]!;
    for (let b = 0; b < LATENCY_BUCKETS; b++) hist[b]! += d[base + HIST + b]!;
    const timed = d[base + TIMED]!;
    points.push({
      at: n * width * 1000,
      requests: d[base + COUNT]! / width,
      p50: percentile(d, base + HIST, timed, 50),
      p99: percentile(d, base + HIST, timed, 99),
      errors5xx: d[base + S5XX]! / width,
    });
  }
  const requests = totals[COUNT]!;
  const timed = totals[TIMED]!;
  return {
    requests,
    requestsPerSecond: requests / window,
    p50: percentile(hist, 0, timed, 50),
    p95: percentile(hist, 0, timed, 95),
    p99: percentile(hist, 0, timed, 99),
    status2xx: totals[S2XX]!,
    status3xx: totals[S3XX]!,
    status4xx: totals[S4XX]!,
    status5xx: totals[S5XX]!,
    errors: totals[ERRORS]!,
    series: points,
  };
}

/** The nearest-rank percentile of the histogram at `hist[start…]` holding `total` values. */
function percentile(hist: ArrayLike<number>, start: number, total: number, p: number): number {
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (let b = 0; b < LATENCY_BUCKETS; b++) {
    seen += hist[start + b]!;
    if (seen >= rank) return bucketValue(b);
  }
  return bucketValue(LATENCY_BUCKETS - 1);
}
