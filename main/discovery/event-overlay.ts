// What recent Docker events say about containers that the list does not show yet. Docker logs some
// events before its list reflects them (`die` ~100 ms, `pause`/`unpause` ~10 ms on Docker 20.10, more
// under load), so a list taken right after the event can show the old state, and when no further
// event comes that stale list would stand. Each event's word therefore overrides the list for its
// container until a list agrees (or a deadline passes). A `kill` with a stop signal marks the
// container stopping: still running, but on its way out, like an ECS task deregistered before it is
// stopped. Pure: the caller supplies the clock.
import type { ContainerEvent } from './container-events.js';
import { isStoppingSignal } from './container-events.js';
import type { ContainerSnapshot, ContainerState, DockerHealth } from './container-snapshot.js';

type ExpectedState = 'running' | 'paused' | 'stopped' | 'gone';

interface Mark {
  state?: { expected: ExpectedState; until: number };
  health?: { expected: DockerHealth; until: number };
  /** Set by a stop signal; ends when Docker says the container is no longer running, or at this time. */
  stoppingUntil?: number;
}

export interface EventOverlayOptions {
  /** How long an event's word stands against lists that disagree before the list wins. */
  confirmMs: number;
  /**
   * How long a container stays "stopping" after a stop signal while Docker still reports it
   * running: longer than `docker stop`'s default 10 s grace, so a signal that did not stop the
   * container (a TERM it ignores) gives it back its traffic after this long.
   */
  stoppingHoldMs: number;
}

const EXPECTED: Record<string, ExpectedState | undefined> = {
  start: 'running',
  unpause: 'running',
  pause: 'paused',
  die: 'stopped',
  stop: 'stopped',
  destroy: 'gone',
};

export class EventOverlay {
  private readonly marks = new Map<string, Mark>();

  constructor(private readonly options: EventOverlayOptions) {}

  /** Records what an event says; true when the containers as published may differ because of it. */
  observe(event: ContainerEvent, now: number): boolean {
    const expected = EXPECTED[event.action];
    if (expected) {
      const mark = this.mark(event.id);
      mark.state = { expected, until: now + this.options.confirmMs };
      // A new life (start) or the end of this one (die, stop, destroy) ends any stop in progress.
      if (event.action !== 'pause' && event.action !== 'unpause') delete mark.stoppingUntil;
      return true;
    }
    if (event.action === 'health_status' && event.health) {
      this.mark(event.id).health = { expected: event.health, until: now + this.options.confirmMs };
      return true;
    }
    if (event.action === 'kill' && event.signal !== undefined && isStoppingSignal(event.signal)) {
      this.markStopping(event.id, now);
      return true;
    }
    return false;
  }

  /** A stop signal was sent to the container (also for its own, non-standard StopSignal). */
  markStopping(id: string, now: number): void {
    this.mark(id).stoppingUntil = now + this.options.stoppingHoldMs;
  }

  /**
   * The list with every pending event's word applied. `waiting` is true while some list disagrees with
   * an event that has not expired: the caller lists again soon, since Docker will catch up.
   */
  apply(list: readonly ContainerSnapshot[], now: number): { containers: ContainerSnapshot[]; waiting: boolean } {
    let waiting = false;
    const seen = new Set<string>();
    const containers: ContainerSnapshot[] = [];
    for (const listed of list) {
      seen.add(listed.id);
      const mark = this.marks.get(listed.id);
      if (!mark) {
        containers.push(listed);
        continue;
      }
      let c = listed;
      if (mark.state) {
        if (mark.state.until <= now || agrees(c.state, mark.state.expected)) delete mark.state;
        else {
          waiting = true;
          if (mark.state.expected === 'gone') continue;
          c = { ...c, state: stateFor(mark.state.expected) };
        }
      }
      if (mark.health) {
        if (mark.health.until <= now || c.health === mark.health.expected) delete mark.health;
        else {
          waiting = true;
          c = { ...c, health: mark.health.expected };
        }
      }
      if (mark.stoppingUntil !== undefined) {
        if (mark.stoppingUntil <= now || !serving(c.state)) delete mark.stoppingUntil;
        else c = { ...c, stopping: true };
      }
      if (isEmpty(mark)) this.marks.delete(listed.id);
      containers.push(c);
    }
    for (const [id, mark] of this.marks) {
      if (seen.has(id)) continue;
      // Not listed: gone is what a destroy said; anything else waits for the list to show the container.
      delete mark.stoppingUntil;
      delete mark.health;
      if (mark.state && (mark.state.expected === 'gone' || mark.state.until <= now)) delete mark.state;
      if (mark.state) waiting = true;
      if (isEmpty(mark)) this.marks.delete(id);
    }
    return { containers, waiting };
  }

  /** When the earliest stopping mark runs out, so the caller can look again then. */
  nextStoppingExpiry(): number | undefined {
    let next: number | undefined;
    for (const mark of this.marks.values()) {
      if (mark.stoppingUntil !== undefined && (next === undefined || mark.stoppingUntil < next)) next = mark.stoppingUntil;
    }
    return next;
  }

  private mark(id: string): Mark {
    let mark = this.marks.get(id);
    if (!mark) this.marks.set(id, (mark = {}));
    return mark;
  }
}

function agrees(state: ContainerState, expected: ExpectedState): boolean {
  if (expected === 'stopped') return !serving(state);
  return state === expected;
}

function serving(state: ContainerState): boolean {
  return state === 'running' || state === 'paused';
}

function stateFor(expected: Exclude<ExpectedState, 'gone'>): ContainerState {
  return expected === 'stopped' ? 'exited' : expected;
}

function isEmpty(mark: Mark): boolean {
  return mark.state === undefined && mark.health === undefined && mark.stoppingUntil === undefined;
}
