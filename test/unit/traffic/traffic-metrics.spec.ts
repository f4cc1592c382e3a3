// Metrics at real rates: counted per second as records arrive, so a window longer than the ring of
// records still reports the right rate, status classes and percentiles (within a bucket's width).
import { describe, expect, it } from 'vitest';
import { TrafficRecorder } from '../../../main/traffic/recorder.js';
import { bucketValue, latencyBucket, LATENCY_BUCKETS } from '../../../main/traffic/traffic-metrics.js';
import type { TrafficRecord } from '../../../shared/model/index.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function rec(recorder: TrafficRecorder, fields: Partial<TrafficRecord>): TrafficRecord {
  return { id: recorder.nextId(), kind: 'http', startedAt: T0, loadBalancer: 'web', listener: '80/HTTP', client: '127.0.0.1', bytesIn: 0, bytesOut: 0, durationMs: 1, ...fields };
}

/** Nearest-rank percentile of exact values, as a test oracle. */
function exact(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

// A bucket spans a third of an octave; its middle is within 2^(1/6) of any value in it.
const WITHIN = 2 ** (1 / 6) + 1e-9;
const close = (got: number, want: number) => {
  expect(got).toBeGreaterThanOrEqual(want / WITHIN);
  expect(got).toBeLessThanOrEqual(want * WITHIN);
};

describe('traffic metrics', () => {
  it('20,000 requests over 300 s: rate, classes and percentiles per group and target, with a ring of 10,000', () => {
    const recorder = new TrafficRecorder({ capacity: 10_000 });
    const durations: Record<string, number[]> = { 'web-1:80': [], 'web-2:80': [] };
    const statuses = { 2: 0, 3: 0, 4: 0, 5: 0 };
    let errors = 0;
    const perSecond = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      const target = i % 4 === 0 ? 'web-2:80' : 'web-1:80';
      // Spread evenly over 300 s; a deterministic spread of latencies from 0.2 ms to ~400 ms.
      const startedAt = T0 + Math.floor((i * 300_000) / 20_000);
      const durationMs = 0.2 * 1.0004 ** (((i * 7919) % 20_000) - 1000) + (target === 'web-2:80' ? 5 : 0);
      const cls = i % 10 === 0 ? 5 : i % 10 === 1 ? 4 : i % 10 === 2 ? 3 : 2;
      const error = cls === 5 && i % 20 === 0 ? 'TARGET_CONNECTION_RESET' : undefined;
      statuses[cls]++;
      if (error) errors++;
      durations[target]!.push(durationMs);
      const second = Math.floor((startedAt + durationMs) / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
      recorder.record(rec(recorder, { startedAt, durationMs: durationMs, targetGroup: 'web', target, status: cls * 100 + 3, ...(error ? { error } : {}) }));
    }
    expect(recorder.count).toBe(10_000);
    const now = T0 + 300_000 + 2_000;
    const metrics = recorder.metrics(305, now);
    const group = metrics.find((m) => m.targetGroup === 'web' && !m.target)!;
    expect(group.requests).toBe(20_000);
    expect(group.requestsPerSecond).toBeCloseTo(20_000 / 305, 6);
    expect([group.status2xx, group.status3xx, group.status4xx, group.status5xx]).toEqual([statuses[2], statuses[3], statuses[4], statuses[5]]);
    expect(group.errors).toBe(errors);
    const all = [...durations['web-1:80']!, ...durations['web-2:80']!];
    close(group.p50, exact(all, 50));
    close(group.p95, exact(all, 95));
    close(group.p99, exact(all, 99));
    expect(group.series).toHaveLength(305);
    expect(group.series.reduce((n, p) => n + p.requests, 0)).toBe(20_000);
    // Each point counts the requests that ended in its second.
    expect(group.series.map((p) => p.requests)).toEqual(group.series.map((p) => perSecond.get(p.at / 1000) ?? 0));

    for (const [id, list] of Object.entries(durations)) {
      const t = metrics.find((m) => m.target === id)!;
      expect(t.targetGroup).toBe('web');
      expect(t.requests).toBe(list.length);
      close(t.p50, exact(list, 50));
      close(t.p99, exact(list, 99));
    }
    expect(metrics.find((m) => m.target === 'web-2:80')!.requests).toBe(5_000);
  });

  it('a window counts only its own seconds; quiet groups leave the list', () => {
    const recorder = new TrafficRecorder({ capacity: 100 });
    for (let s = 0; s < 120; s++) recorder.record(rec(recorder, { startedAt: T0 + s * 1000, targetGroup: 'api', target: 'a:1', status: 200 }));
    recorder.record(rec(recorder, { startedAt: T0, targetGroup: 'old', target: 'o:1', status: 200 }));
    const now = T0 + 119_500;
    const minute = recorder.metrics(60, now).find((m) => m.targetGroup === 'api' && !m.target)!;
    expect(minute.requests).toBe(60);
    expect(minute.requestsPerSecond).toBe(1);
    expect(recorder.metrics(60, now).some((m) => m.targetGroup === 'old')).toBe(false);
    expect(recorder.metrics(300, now).some((m) => m.targetGroup === 'old')).toBe(true);
  });

  it('an hour uses 10 s points and still counts every request', () => {
    const recorder = new TrafficRecorder({ capacity: 1_000 });
    for (let i = 0; i < 36_000; i++) recorder.record(rec(recorder, { startedAt: T0 + i * 100, targetGroup: 'api', status: 200, durationMs: 3 }));
    const m = recorder.metrics(3600, T0 + 3_600_000 - 1).find((x) => !x.target)!;
    expect(m.requests).toBe(36_000);
    expect(m.requestsPerSecond).toBe(10);
    expect(m.series).toHaveLength(360);
    expect(m.series.every((p) => p.requests === 10)).toBe(true);
    close(m.p50, 3);
    // The UI's 15 minutes: beyond the ten minutes of one-second points, 10 s points.
    const quarter = recorder.metrics(900, T0 + 3_600_000 - 1).find((x) => !x.target)!;
    expect(quarter.requests).toBe(9_000);
    expect(quarter.series).toHaveLength(90);
    expect(recorder.metrics(600, T0 + 3_600_000 - 1).find((x) => !x.target)!.series).toHaveLength(600);
  });

  it('WebSocket and L4 lifetimes count as requests but not as latency', () => {
    const recorder = new TrafficRecorder();
    recorder.record(rec(recorder, { targetGroup: 'ws', status: 101, kind: 'websocket', durationMs: 60_000 }));
    recorder.record(rec(recorder, { targetGroup: 'ws', status: 200, durationMs: 2 }));
    const m = recorder.metrics(300, T0 + 61_000).find((x) => !x.target)!;
    expect(m.requests).toBe(2);
    close(m.p99, 2);
  });

  it('buckets: every duration lands in a bucket whose value is within a sixth of an octave', () => {
    for (let ms = 0.011; ms < 100_000; ms *= 1.07) {
      const b = latencyBucket(ms);
      expect(b).toBeGreaterThan(0);
      expect(b).toBeLessThan(LATENCY_BUCKETS);
      close(bucketValue(b), ms);
    }
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(Number.NaN)).toBe(0);
    expect(latencyBucket(1e12)).toBe(LATENCY_BUCKETS - 1);
  });

  it('network flows that simply ended are counted, not as errors; failed ones are errors, and the error filter agrees', () => {
    const recorder = new TrafficRecorder({ capacity: 100 });
    const ends = ['idle-timeout', 'idle-timeout', 'evicted', 'target-left', 'client-reset'];
    for (const error of ends) recorder.record(rec(recorder, { kind: 'udp', listener: '53/UDP', targetGroup: 'dns', target: 'dns-1:53', error, startedAt: T0 + 500 }));
    recorder.record(rec(recorder, { kind: 'tcp', listener: '53/UDP', targetGroup: 'dns', target: 'dns-1:53', error: 'target-refused', startedAt: T0 + 600 }));
    recorder.record(rec(recorder, { kind: 'http', targetGroup: 'dns', status: 502, error: 'TARGET_CONNECTION_REFUSED', startedAt: T0 + 700 }));
    const group = recorder.metrics(60, T0 + 1000).find((m) => m.targetGroup === 'dns' && !m.target)!;
    expect(group.requests).toBe(7);
    expect(group.errors).toBe(2);
    expect(recorder.recent(100, { statusClass: 'error' }).map((r) => r.error)).toEqual(['target-refused', 'TARGET_CONNECTION_REFUSED']);
  });
});
