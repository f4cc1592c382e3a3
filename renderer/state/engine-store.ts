// The engine's state as the UI sees it: a versioned snapshot from getState, refetched only when a
// `state` event announces a newer version. Fetches are coalesced: one in flight, at most one queued.
import type { BerthClient } from '../../shared/contract/index.js';
import type { EngineState } from '../../shared/model/index.js';
import type { EventLog } from './event-log.js';

export interface EngineSnapshot {
  state?: EngineState;
  /** The last fetch's failure; the previous state stays shown meanwhile. */
  error?: string;
  loading: boolean;
}

export class EngineStore {
  private snap: EngineSnapshot = { loading: true };
  private readonly listeners = new Set<() => void>();
  private fetching = false;
  private again = false;
  private announced = -1;

  constructor(
    private readonly client: BerthClient,
    private readonly log?: EventLog,
  ) {}

  start(): () => void {
    const off = this.client.subscribe('state', ({ version }) => {
      this.log?.add('state', `version ${version}`);
      this.announced = Math.max(this.announced, version);
      if (!this.snap.state || version > this.snap.state.version) void this.refresh();
    });
    void this.refresh();
    return off;
  }

  readonly getSnapshot = (): EngineSnapshot => this.snap;

  readonly subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  async refresh(): Promise<void> {
    if (this.fetching) {
      this.again = true;
      return;
    }
    this.fetching = true;
    const started = performance.now();
    try {
      const state = await this.client.call('getState', {});
      // A slower, older answer never replaces a newer snapshot.
      if (!this.snap.state || state.version >= this.snap.state.version) this.set({ state, loading: false });
      this.log?.add('getState', `version ${state.version}`, performance.now() - started);
    } catch (err) {
      this.set({ ...(this.snap.state ? { state: this.snap.state } : {}), error: err instanceof Error ? err.message : String(err), loading: false });
      this.log?.add('getState', `failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.fetching = false;
    }
    if (this.again || (this.snap.state && this.announced > this.snap.state.version && !this.snap.error)) {
      this.again = false;
      await this.refresh();
    }
  }

  private set(next: EngineSnapshot): void {
    this.snap = next;
    for (const fn of this.listeners) fn();
  }
}
