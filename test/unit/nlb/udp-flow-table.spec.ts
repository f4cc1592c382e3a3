// The UDP flow table on a fake clock: activity order, the cap and which flow it evicts, idle expiry.
import { describe, expect, it } from 'vitest';
import { FlowTable, type FlowEntry } from '../../../main/nlb/udp-flow-table.js';

const flow = (key: string): FlowEntry => ({ key, lastActiveAt: 0 });
const keys = (flows: Iterable<FlowEntry>) => [...flows].map((f) => f.key);

describe('FlowTable', () => {
  it('keeps flows least recently active first; a touch moves a flow to the end', () => {
    const table = new FlowTable<FlowEntry>({ maxFlows: 10, idleTimeoutMs: 1000 });
    const [a, b, c] = [flow('a'), flow('b'), flow('c')];
    table.add(a, 1);
    table.add(b, 2);
    table.add(c, 3);
    expect(keys(table.values())).toEqual(['a', 'b', 'c']);
    table.touch(a, 4);
    expect(keys(table.values())).toEqual(['b', 'c', 'a']);
    table.touch(a, 5); // already the newest
    table.touch(c, 6);
    expect(keys(table.values())).toEqual(['b', 'a', 'c']);
    expect(table.get('a')).toBe(a);
    expect(table.size).toBe(3);
  });

  it('evicts the least recently active flow when full, and counts it', () => {
    const table = new FlowTable<FlowEntry>({ maxFlows: 3, idleTimeoutMs: 1000 });
    const [a, b, c] = [flow('a'), flow('b'), flow('c')];
    expect(table.add(a, 1)).toEqual([]);
    table.add(b, 2);
    table.add(c, 3);
    table.touch(a, 4); // b is now the oldest idle flow
    const evicted = table.add(flow('d'), 5);
    expect(keys(evicted)).toEqual(['b']);
    expect(keys(table.values())).toEqual(['c', 'a', 'd']);
    expect(table.get('b')).toBeUndefined();
    expect(table.evicted).toBe(1);
  });

  it('never holds more than maxFlows under a flood of new keys', () => {
    const table = new FlowTable<FlowEntry>({ maxFlows: 100, idleTimeoutMs: 60_000 });
    let evicted = 0;
    for (let i = 0; i < 2000; i++) {
      evicted += table.add(flow(`10.0.0.1 ${i}`), i).length;
      expect(table.size).toBeLessThanOrEqual(100);
    }
    expect(table.size).toBe(100);
    expect(table.peak).toBe(100);
    expect(evicted).toBe(1900);
    expect(table.evicted).toBe(1900);
    // The survivors are the 100 newest, in order.
    expect(keys(table.values())).toEqual(Array.from({ length: 100 }, (_, i) => `10.0.0.1 ${1900 + i}`));
  });

  it('expires flows idle for the whole timeout, oldest first, and says when the next one is due', () => {
    const table = new FlowTable<FlowEntry>({ maxFlows: 10, idleTimeoutMs: 1000 });
    const [a, b, c] = [flow('a'), flow('b'), flow('c')];
    expect(table.nextExpiryAt()).toBeUndefined();
    table.add(a, 0);
    table.add(b, 100);
    table.add(c, 200);
    expect(table.nextExpiryAt()).toBe(1000);
    table.touch(a, 500);
    expect(table.nextExpiryAt()).toBe(1100);
    expect(table.expire(1099)).toEqual([]);
    expect(keys(table.expire(1100))).toEqual(['b']);
    expect(keys(table.expire(1500))).toEqual(['c', 'a']);
    expect(table.size).toBe(0);
    expect(table.nextExpiryAt()).toBeUndefined();
    expect(table.evicted).toBe(0);
  });

  it('a flow touched just in time is not expired', () => {
    const table = new FlowTable<FlowEntry>({ maxFlows: 10, idleTimeoutMs: 1000 });
    const a = flow('a');
    table.add(a, 0);
    for (let t = 900; t < 10_000; t += 900) {
      expect(table.expire(t)).toEqual([]);
      table.touch(a, t);
    }
    expect(table.get('a')).toBe(a);
  });

  it('shrinking the cap evicts the oldest flows over it; a deleted flow leaves no trace', () => {
    const table = new FlowTable<FlowEntry>({ maxFlows: 5, idleTimeoutMs: 1000 });
    const all = ['a', 'b', 'c', 'd', 'e'].map(flow);
    all.forEach((f, i) => table.add(f, i));
    expect(table.delete(all[2]!)).toBe(true);
    expect(table.delete(all[2]!)).toBe(false);
    table.touch(all[2]!, 10); // not in the table any more: ignored
    expect(keys(table.values())).toEqual(['a', 'b', 'd', 'e']);
    expect(keys(table.resize(2))).toEqual(['a', 'b']);
    expect(keys(table.values())).toEqual(['d', 'e']);
    expect(table.evicted).toBe(2);
    expect(keys(table.clear())).toEqual(['d', 'e']);
    expect(table.size).toBe(0);
    expect(keys(table.values())).toEqual([]);
  });

  it('adding a key again replaces the old flow', () => {
    const table = new FlowTable<FlowEntry>({ maxFlows: 2, idleTimeoutMs: 1000 });
    const first = flow('a');
    const second = flow('a');
    table.add(first, 0);
    table.add(flow('b'), 1);
    expect(table.add(second, 2)).toEqual([]);
    expect(table.get('a')).toBe(second);
    expect(keys(table.values())).toEqual(['b', 'a']);
  });
});
