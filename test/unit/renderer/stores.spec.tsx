// @vitest-environment jsdom
// Snapshot + batched events: the engine store refetches only for newer versions and never runs two
// fetches at once; traffic is queued and applied once per frame into a bounded buffer.
import { describe, expect, it } from 'vitest';
import { EngineStore, EventLog, TrafficStore } from '../../../renderer/state/index.js';
import { FakeClient } from './fake-client.js';
import { engineState, record } from './fixtures.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('engine store', () => {
  it('coalesces version announcements into at most one fetch in flight and one after it', async () => {
    let release: () => void = () => undefined;
    let version = 1;
    const client = new FakeClient().answer('getState', () => new Promise((r) => (release = () => r(engineState({ version })))));
    const store = new EngineStore(client, new EventLog());
    store.start();
    for (version = 2; version <= 6; version++) client.emit('state', { version });
    version = 6;
    expect(client.callsOf('getState')).toHaveLength(1);
    release();
    await tick();
    expect(client.callsOf('getState')).toHaveLength(2);
    release();
    await tick();
    expect(store.getSnapshot().state?.version).toBe(6);
    client.emit('state', { version: 6 });
    expect(client.callsOf('getState')).toHaveLength(2);
  });

  it('keeps the last state and reports the error when a refresh fails', async () => {
    const client = new FakeClient().answer('getState', engineState({ version: 1 }));
    const store = new EngineStore(client);
    store.start();
    await tick();
    client.answer('getState', new Error('socket hang up'));
    client.emit('state', { version: 2 });
    await tick();
    expect(store.getSnapshot()).toMatchObject({ state: { version: 1 }, error: 'socket hang up', loading: false });
  });
});

describe('traffic store', () => {
  function setup(capacity = 5) {
    const frames: (() => void)[] = [];
    const client = new FakeClient().answer('getTraffic', { records: [record({ id: 1 }), record({ id: 2 })], capacity: 10_000 });
    const store = new TrafficStore(client, { capacity, schedule: (f) => frames.push(f) });
    let notified = 0;
    store.subscribe(() => notified++);
    store.start();
    return { client, store, frames, notified: () => notified };
  }

  it('applies every batch that arrived in a frame in one update, once the frame comes', async () => {
    const { client, store, frames, notified } = setup(100);
    await tick();
    const before = notified();
    client.emit('traffic', { records: [record({ id: 3 })], dropped: 0 });
    client.emit('traffic', { records: [record({ id: 4 }), record({ id: 5 })], dropped: 0 });
    expect(frames).toHaveLength(1);
    expect(store.getSnapshot().records.map((r) => r.id)).toEqual([1, 2]);
    frames.shift()!();
    expect(notified() - before).toBe(1);
    expect(store.getSnapshot().records.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps only the newest records, and counts what the engine skipped', async () => {
    const { client, store, frames } = setup(5);
    await tick();
    client.emit('traffic', { records: [3, 4, 5, 6, 7, 8].map((id) => record({ id })), dropped: 0 });
    client.emit('traffic', { records: [record({ id: 9 })], dropped: 40 });
    frames.shift()!();
    expect(store.getSnapshot().records.map((r) => r.id)).toEqual([5, 6, 7, 8, 9]);
    expect(store.getSnapshot().dropped).toBe(40);
  });

  it('puts history before live records that arrived while it loaded, without duplicates', async () => {
    const frames: (() => void)[] = [];
    let answer: (v: { records: ReturnType<typeof record>[]; capacity: number }) => void = () => undefined;
    const client = new FakeClient().answer('getTraffic', () => new Promise((r) => (answer = r)));
    const store = new TrafficStore(client, { schedule: (f) => frames.push(f) });
    store.start();
    client.emit('traffic', { records: [record({ id: 11 }), record({ id: 12 })], dropped: 0 });
    frames.shift()!();
    answer({ records: [9, 10, 11].map((id) => record({ id })), capacity: 100 });
    await tick();
    expect(store.getSnapshot().records.map((r) => r.id)).toEqual([9, 10, 11, 12]);
    expect(store.getSnapshot().loading).toBe(false);
  });
});
