// Body capture: the first N bytes across chunks, text kept as text even when the cut splits a
// character, binary as base64, and a record's detail bounded by the recorder's byte budget.
import { describe, expect, it } from 'vitest';
import { BodyCapture } from '../../../main/traffic/body-capture.js';
import { TrafficRecorder } from '../../../main/traffic/recorder.js';
import type { TrafficRecord } from '../../../shared/model/index.js';

describe('body capture', () => {
  it('keeps the first bytes across chunks and says the body went on', () => {
    const c = new BodyCapture(8);
    for (const part of ['hel', 'lo wo', 'rld']) c.add(Buffer.from(part));
    expect(c.result()).toEqual({ encoding: 'utf8', data: 'hello wo', bytes: 8, truncated: true });
    expect(new BodyCapture(8).result()).toBeUndefined();
  });

  it('a cut inside a multi-byte character still gives text', () => {
    const c = new BodyCapture(5);
    c.add(Buffer.from('abcd€'));
    expect(c.result()).toEqual({ encoding: 'utf8', data: 'abcd', bytes: 4, truncated: true });
  });

  it('binary bytes are base64', () => {
    const c = new BodyCapture(100);
    c.add(Buffer.from([0xff, 0x00, 0x10]));
    expect(c.result()).toEqual({ encoding: 'base64', data: '/wAQ', bytes: 3, truncated: false });
  });

  it('the recorder drops the oldest details beyond its budget and keeps the records', () => {
    const recorder = new TrafficRecorder({ capacity: 100, detailBudgetBytes: 1_000 });
    for (let i = 0; i < 50; i++) {
      const r = { id: recorder.nextId(), kind: 'http', startedAt: 0, loadBalancer: 'web', listener: '80/HTTP', client: '::1', bytesIn: 0, bytesOut: 0, durationMs: 1 } as TrafficRecord;
      recorder.record(r, { requestHeaders: ['x-pad', 'y'.repeat(95)] });
      expect(recorder.detailBytesHeld).toBeLessThanOrEqual(1_000);
    }
    expect(recorder.count).toBe(50);
    // Each detail is 101 bytes as kept (name, separator, value): the newest nine fit in 1,000.
    const kept = Array.from({ length: 50 }, (_, i) => i + 1).filter((id) => recorder.get(id)!.requestHeaders !== undefined);
    expect(kept).toEqual([42, 43, 44, 45, 46, 47, 48, 49, 50]);
    expect(recorder.get(50)!.requestHeaders).toEqual({ 'x-pad': 'y'.repeat(95) });
    expect(recorder.get(1)).toMatchObject({ id: 1, listener: '80/HTTP' });
  });
});
