// The recorder under a burst, on fake timers: a subscriber gets at most 10 batches a second however
// fast records come, loses (and counts) what it could not hold, and the ring keeps only its capacity.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TrafficRecorder } from '../../../main/traffic/recorder.js';
import type { TrafficRecord } from '../../../shared/model/index.js';

beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) }));
afterEach(() => vi.useRealTimers());

const rec = (recorder: TrafficRecorder): TrafficRecord => ({ id: recorder.nextId(), kind: 'http', startedAt: Date.now(), loadBalancer: 'web', listener: '80/HTTP', targetGroup: 'app', client: '127.0.0.1', status: 200, bytesIn: 10, bytesOut: 20, durationMs: 1 });

describe('recorder under a burst', () => {
  it('delivers at most 10 batches a second and accounts for every record; the ring stays at capacity', () => {
    const recorder = new TrafficRecorder({ capacity: 10_000 });
    const batchTimes: number[] = [];
    let received = 0;
    const sub = recorder.subscribe((batch) => {
      batchTimes.push(Date.now());
      received += batch.length;
    });
    // 50,000 records over 2 s: bursts of 500 every 20 ms.
    for (let step = 0; step < 100; step++) {
      for (let i = 0; i < 500; i++) recorder.record(rec(recorder));
      vi.advanceTimersByTime(20);
    }
    vi.advanceTimersByTime(1_000);
    sub.unsubscribe();

    expect(received + sub.dropped).toBe(50_000);
    expect(received).toBe(sub.delivered);
    // Each batch holds at most the subscriber's 2,000 pending records.
    expect(received).toBeLessThanOrEqual(batchTimes.length * 2_000);
    for (let i = 0; i < batchTimes.length; i++) {
      const inOneSecond = batchTimes.filter((t) => t >= batchTimes[i]! && t < batchTimes[i]! + 1_000).length;
      expect(inOneSecond).toBeLessThanOrEqual(10);
    }
    expect(batchTimes.length).toBeGreaterThanOrEqual(19);

    expect(recorder.count).toBe(10_000);
    const kept = recorder.recent(Number.POSITIVE_INFINITY);
    expect(kept).toHaveLength(10_000);
    expect(kept[0]!.id).toBe(40_001);
    expect(kept.at(-1)!.id).toBe(50_000);
    expect(recorder.get(40_000)).toBeUndefined();
    // Metrics still count all of them.
    expect(recorder.metrics(60).find((m) => m.targetGroup === 'app')!.requests).toBe(50_000);
  });

  it('a subscriber asking for fewer batches gets fewer', () => {
    const recorder = new TrafficRecorder({ capacity: 100 });
    let batches = 0;
    const sub = recorder.subscribe(() => batches++, { maxBatchesPerSecond: 2 });
    for (let step = 0; step < 300; step++) {
      recorder.record(rec(recorder));
      vi.advanceTimersByTime(10);
    }
    sub.unsubscribe();
    expect(batches).toBeLessThanOrEqual(6);
    expect(sub.delivered).toBe(300 - sub.dropped);
    expect(recorder.count).toBe(100);
  });
});
