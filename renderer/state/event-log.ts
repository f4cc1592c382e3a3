// A short, inspectable log of recent events and how long each store update took, for
// troubleshooting a slow or stale dashboard (window.__berthEvents in the browser's console).

export interface EventLogEntry {
  at: number;
  topic: string;
  detail: string;
  /** Time spent applying it, in ms, when measured. */
  ms?: number;
}

export class EventLog {
  private readonly entries: EventLogEntry[] = [];
  constructor(private readonly capacity = 200) {}

  add(topic: string, detail: string, ms?: number): void {
    this.entries.push({ at: Date.now(), topic, detail, ...(ms === undefined ? {} : { ms: Math.round(ms * 100) / 100 }) });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  recent(): readonly EventLogEntry[] {
    return this.entries;
  }
}
