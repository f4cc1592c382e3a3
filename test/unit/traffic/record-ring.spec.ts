// The recorder keeps records as numbers and bytes: what goes in must come out field for field,
// whatever the strings hold (long ones, non-Latin text, empty ones) and however many distinct ones.
import { describe, expect, it } from 'vitest';
import { TrafficRecorder } from '../../../main/traffic/recorder.js';
import type { TrafficRecord } from '../../../shared/model/index.js';

const full = (id: number, over: Partial<TrafficRecord> = {}): TrafficRecord => ({
  id,
  kind: 'http',
  startedAt: 1_767_225_600_123 + id,
  loadBalancer: 'web',
  listener: '8080/HTTP',
  rule: '10',
  targetGroup: 'api',
  target: 'api-1:49153',
  client: '127.0.0.1',
  method: 'POST',
  host: 'api.demo.localhost',
  path: '/api/users/42',
  query: 'a=1&b=%20',
  status: 201,
  bytesIn: 512,
  bytesOut: 2048,
  durationMs: 1.234567,
  connectMs: 0.05,
  firstByteMs: 0.9,
  error: 'TARGET_TIMEOUT',
  traceId: '1-67890abc-0123456789abcdef01234567',
  ...over,
});

describe('the record ring', () => {
  it('gives back every field as recorded, and leaves absent ones absent', () => {
    const recorder = new TrafficRecorder({ capacity: 4 });
    const a = full(1);
    const b: TrafficRecord = { id: 2, kind: 'udp', startedAt: 5, loadBalancer: 'game', listener: '9000/UDP', client: '::1', bytesIn: 0, bytesOut: 10, packetsIn: 3, packetsOut: 4, durationMs: 120_000, error: 'idle-timeout' };
    recorder.record(a);
    recorder.record(b);
    expect(recorder.get(1)).toStrictEqual(a);
    expect(recorder.get(2)).toStrictEqual(b);
    expect(recorder.recent(10).map((r) => r.id)).toEqual([1, 2]);
  });

  it('keeps long, non-Latin and empty strings exactly', () => {
    const recorder = new TrafficRecorder({ capacity: 3 });
    const long = full(1, { path: `/${'x'.repeat(5_000)}`, host: 'h'.repeat(300) });
    const text = full(2, { path: '/grüße/日本', query: '', rule: 'règle ✓', host: '' });
    recorder.record(long);
    recorder.record(text);
    expect(recorder.get(1)).toStrictEqual(long);
    expect(recorder.get(2)).toStrictEqual(text);
  });

  it('overwrites the oldest slot with no trace of what it held', () => {
    const recorder = new TrafficRecorder({ capacity: 2 });
    recorder.record(full(1, { path: `/${'x'.repeat(1_000)}` }));
    recorder.record(full(2));
    const third = { id: 3, kind: 'tcp', startedAt: 1, loadBalancer: 'n', listener: '7000/TCP', client: '10.0.0.1', bytesIn: 1, bytesOut: 2, durationMs: 3 } as TrafficRecord;
    recorder.record(third);
    expect(recorder.get(1)).toBeUndefined();
    expect(recorder.get(3)).toStrictEqual(third);
    expect(recorder.count).toBe(2);
  });

  it('keeps records exact past the intern table (70,000 distinct client addresses)', () => {
    const recorder = new TrafficRecorder({ capacity: 100 });
    for (let i = 1; i <= 70_000; i++) recorder.record(full(i, { client: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, rule: `r-${i}` }));
    for (const id of [69_901, 69_950, 70_000]) {
      expect(recorder.get(id)).toStrictEqual(full(id, { client: `10.${id >> 16}.${(id >> 8) & 255}.${id & 255}`, rule: `r-${id}` }));
    }
  });

  it('filters the kept records as before: by listener, status class and text', () => {
    const recorder = new TrafficRecorder({ capacity: 10 });
    recorder.record(full(1, { status: 200, error: undefined }));
    recorder.record(full(2, { status: 502, listener: '80/HTTP', error: 'TARGET_CONNECTION_REFUSED' }));
    recorder.record(full(3, { status: 404, path: '/missing', error: undefined }));
    expect(recorder.recent(10, { listener: '80/HTTP' }).map((r) => r.id)).toEqual([2]);
    expect(recorder.recent(10, { statusClass: '4xx' }).map((r) => r.id)).toEqual([3]);
    expect(recorder.recent(10, { text: 'missing' }).map((r) => r.id)).toEqual([3]);
    expect(recorder.recent(10, { beforeId: 3 }).map((r) => r.id)).toEqual([1, 2]);
  });

  it('keeps captured headers and bodies with their encodings', () => {
    const recorder = new TrafficRecorder({ capacity: 5 });
    recorder.record(full(1), {
      requestHeaders: ['Host', 'a.localhost', 'Cookie', 'a=1', 'cookie', 'b=2'],
      responseHeaders: 'Content-Type\ntext/plain\nSet-Cookie\nx=ü',
      requestBody: { encoding: 'utf8', data: 'héllo', bytes: 6, truncated: false },
      responseBody: { encoding: 'base64', data: '/wAQ', bytes: 3, truncated: true },
    });
    expect(recorder.get(1)).toMatchObject({
      requestHeaders: { host: 'a.localhost', cookie: ['a=1', 'b=2'] },
      responseHeaders: { 'content-type': 'text/plain', 'set-cookie': 'x=ü' },
      requestBody: { encoding: 'utf8', data: 'héllo', bytes: 6, truncated: false },
      responseBody: { encoding: 'base64', data: '/wAQ', bytes: 3, truncated: true },
    });
    // The live list does not carry them.
    expect(recorder.recent(5)[0]).not.toHaveProperty('requestHeaders');
    expect(recorder.recent(5, {}, true)[0]).toHaveProperty('requestHeaders');
  });
});
