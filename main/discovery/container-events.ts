// Docker's container events as Berth reads them: the JSON lines of GET /events cut into events, and
// which kill signals mean "this container is being stopped". Pure, so every engine's quirks are
// tested from captured lines.
import type { DockerHealth } from './container-snapshot.js';

export interface ContainerEvent {
  /** The container's full id. */
  id: string;
  /** Docker's action: `start`, `die`, `kill`, `pause`, … (`health_status: healthy` is `health_status`). */
  action: string;
  /** `kill` only: the signal sent, as a number. */
  signal?: number;
  /** `health_status` only. */
  health?: DockerHealth;
}

/** Splits the event stream into lines; a chunk may end in the middle of one. */
export class EventLineReader {
  private rest = '';

  /** The complete events in `chunk` (with what was left of the previous one); unreadable lines are skipped. */
  push(chunk: Buffer | string): ContainerEvent[] {
    const text = this.rest + chunk.toString();
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    // A line this long is not an event: drop it rather than buffer without bound.
    if (this.rest.length > 1 << 20) this.rest = '';
    return lines.flatMap((line) => {
      const event = parseEventLine(line);
      return event ? [event] : [];
    });
  }
}

interface RawEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> | null } | null;
}

export function parseEventLine(line: string): ContainerEvent | undefined {
  if (!line.trim()) return undefined;
  let raw: RawEvent;
  try {
    raw = JSON.parse(line) as RawEvent;
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  if (raw.Type !== undefined && raw.Type !== 'container') return undefined;
  const id = raw.Actor?.ID ?? raw.id;
  const fullAction = raw.Action ?? raw.status;
  if (typeof id !== 'string' || !id || typeof fullAction !== 'string') return undefined;
  const [action = '', detail] = fullAction.split(': ', 2).map((s) => s.trim());
  const event: ContainerEvent = { id, action };
  if (action === 'kill') {
    const signal = signalNumber(raw.Actor?.Attributes?.signal ?? '');
    if (signal !== undefined) event.signal = signal;
  }
  if (action === 'health_status' && (detail === 'healthy' || detail === 'unhealthy' || detail === 'starting')) event.health = detail;
  return event;
}

// Linux numbering, which is what Docker reports for Linux containers.
const SIGNALS: Record<string, number> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12,
  PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22, URG: 23,
  XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, POLL: 29, PWR: 30, SYS: 31,
};

/** `15`, `SIGTERM` and `TERM` are all 15; unknown names are undefined. */
export function signalNumber(signal: string): number | undefined {
  const s = signal.trim().toUpperCase();
  if (/^\d+$/.test(s)) return Number(s);
  return SIGNALS[s.startsWith('SIG') ? s.slice(3) : s];
}

/**
 * Signals that end a process unless it handles them and that `docker stop`, compose and people use to
 * stop a container. Others (HUP to reload, USR1/USR2, WINCH) are sent to running servers that go on
 * serving, so they count only when they are the container's own stop signal (its `StopSignal`).
 */
const STOPPING_SIGNALS = new Set([SIGNALS.INT, SIGNALS.QUIT, SIGNALS.KILL, SIGNALS.TERM]);

export function isStoppingSignal(signal: number, containerStopSignal?: string): boolean {
  if (STOPPING_SIGNALS.has(signal)) return true;
  return containerStopSignal !== undefined && signalNumber(containerStopSignal) === signal;
}
