// What events say over what Docker's list shows: each event's word stands until a list agrees or its
// deadline passes; a stop signal keeps a running container out of service for its hold.
import { describe, expect, it } from 'vitest';
import { EventOverlay } from '../../../main/discovery/event-overlay.js';
import type { ContainerSnapshot } from '../../../main/discovery/index.js';

const container = (state: ContainerSnapshot['state'], extra: Partial<ContainerSnapshot> = {}): ContainerSnapshot => ({
  id: 'c1', name: 'web-1', image: 'app', labels: {}, state, health: 'none', ports: [{ containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 32768 }], ...extra,
});
const overlay = () => new EventOverlay({ confirmMs: 10_000, stoppingHoldMs: 30_000 });

describe('EventOverlay', () => {
  it('an unpause stands over lists that still say paused, until one says running', () => {
    const o = overlay();
    o.observe({ id: 'c1', action: 'unpause' }, 0);
    expect(o.apply([container('paused')], 5)).toEqual({ containers: [container('running')], waiting: true });
    expect(o.apply([container('running')], 20)).toEqual({ containers: [container('running')], waiting: false });
    // Confirmed and forgotten: a later pause seen only in the list is the list's word.
    expect(o.apply([container('paused')], 30)).toEqual({ containers: [container('paused')], waiting: false });
  });

  it('a die makes a still-listed container exited; the list wins after the deadline', () => {
    const o = overlay();
    o.observe({ id: 'c1', action: 'die' }, 0);
    expect(o.apply([container('running')], 1)).toEqual({ containers: [container('exited')], waiting: true });
    expect(o.apply([container('running')], 10_001)).toEqual({ containers: [container('running')], waiting: false });
  });

  it('a destroy hides the container until the list drops it', () => {
    const o = overlay();
    o.observe({ id: 'c1', action: 'destroy' }, 0);
    expect(o.apply([container('exited')], 1)).toEqual({ containers: [], waiting: true });
    expect(o.apply([], 2)).toEqual({ containers: [], waiting: false });
  });

  it('the latest event on a container wins', () => {
    const o = overlay();
    o.observe({ id: 'c1', action: 'pause' }, 0);
    o.observe({ id: 'c1', action: 'unpause' }, 1);
    expect(o.apply([container('paused')], 2).containers[0]!.state).toBe('running');
  });

  it('a health event stands until the list shows it', () => {
    const o = overlay();
    o.observe({ id: 'c1', action: 'health_status', health: 'unhealthy' }, 0);
    expect(o.apply([container('running', { health: 'healthy' })], 1)).toEqual({ containers: [container('running', { health: 'unhealthy' })], waiting: true });
    expect(o.apply([container('running', { health: 'unhealthy' })], 2).waiting).toBe(false);
  });

  it('a stop signal marks a running container stopping until it exits', () => {
    const o = overlay();
    expect(o.observe({ id: 'c1', action: 'kill', signal: 15 }, 0)).toBe(true);
    expect(o.apply([container('running')], 1)).toEqual({ containers: [container('running', { stopping: true })], waiting: false });
    expect(o.nextStoppingExpiry()).toBe(30_000);
    o.observe({ id: 'c1', action: 'die' }, 1_500);
    expect(o.apply([container('exited')], 1_600).containers).toEqual([container('exited')]);
    expect(o.nextStoppingExpiry()).toBeUndefined();
  });

  it('a signal that is no stop signal changes nothing; a stop signal the container survives ends with its hold', () => {
    const o = overlay();
    expect(o.observe({ id: 'c1', action: 'kill', signal: 1 }, 0)).toBe(false);
    expect(o.apply([container('running')], 1).containers).toEqual([container('running')]);
    o.observe({ id: 'c1', action: 'kill', signal: 15 }, 0);
    expect(o.apply([container('running')], 29_999).containers).toEqual([container('running', { stopping: true })]);
    expect(o.apply([container('running')], 30_000).containers).toEqual([container('running')]);
  });

  it('a start after a stop signal (docker restart) is a new life, not a stopping one', () => {
    const o = overlay();
    o.observe({ id: 'c1', action: 'kill', signal: 15 }, 0);
    o.observe({ id: 'c1', action: 'start' }, 100);
    expect(o.apply([container('running')], 101).containers).toEqual([container('running')]);
  });
});
