// The recorder's subscriber accounting: batches a subscriber is not ready for are skipped and
// counted, the rest delivered and counted, and capacity 0 records nothing at all.
import { afterEach, describe, expect, it } from 'vitest';
import { TrafficRecorder, type Subscription } from '../../../main/traffic/recorder.js';
import type { TrafficRecord } from '../../../shared/model/index.js';
import { eventually } from '../../helpers/eventually.js';

const record = (recorder: TrafficRecorder): TrafficRecord =>
  ({ id: recorder.nextId(), kind: 'http', startedAt: Date.now(), loadBalancer: 'web', listener: '80/HTTP', client: '127.0.0.1', status: 200, bytesIn: 0, bytesOut: 0, durationMs: 1 }) as TrafficRecord;

const subs: Subscription[] = [];
afterEach(() => subs.splice(0).forEach((s) => s.unsubscribe()));

describe('TrafficRecorder subscribers', () => {
  it('skips and counts batches while a subscriber is not ready, and delivers once it is', async () => {
    const recorder = new TrafficRecorder();
    let ready = false;
    const got: TrafficRecord[] = [];
    const sub = recorder.subscribe((batch) => got.push(...batch), { maxBatchesPerSecond: 100, ready: () => ready, label: 'slow' });
    subs.push(sub);
    for (let i = 0; i < 5; i++) recorder.record(record(recorder));
    await eventually(() => expect(sub.dropped).toBe(5));
    expect(got).toHaveLength(0);
    ready = true;
    for (let i = 0; i < 3; i++) recorder.record(record(recorder));
    await eventually(() => expect(got).toHaveLength(3));
    expect(recorder.subscriberStats()).toEqual([{ label: 'slow', delivered: 3, dropped: 5 }]);
    expect(recorder.count).toBe(8);
  });

  it('records nothing and streams nothing with capacity 0', async () => {
    const recorder = new TrafficRecorder({ capacity: 0 });
    const got: TrafficRecord[] = [];
    subs.push(recorder.subscribe((batch) => got.push(...batch), { maxBatchesPerSecond: 100 }));
    recorder.record(record(recorder));
    await new Promise((r) => setTimeout(r, 50));
    expect(recorder.recording).toBe(false);
    expect(recorder.count).toBe(0);
    expect(recorder.recent()).toEqual([]);
    expect(recorder.metrics()).toEqual([]);
    expect(got).toEqual([]);
  });
});
