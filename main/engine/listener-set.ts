// The running listeners: started, updated in place, toggled and stopped as the config changes.
// One listener failing to bind is reported on that listener and never stops the others.
// A listener switched on or off at runtime stays so across reconciles (rule toggles, containers
// coming and going, config saves) until switched back, or until berth.yaml changes that listener's
// own `enabled`, which is the user deciding again.
import type { Socket } from 'node:net';
import type { BerthConfig, Listener, ListenerState, LoadBalancer } from '../../shared/model/index.js';
import { BerthError } from '../../shared/errors.js';
import type { TargetGroupRuntime } from '../targets/index.js';
import type { TrafficRecorder } from '../traffic/recorder.js';
import type { CertificateStore } from '../tls/index.js';
import { createListener } from './listener-factory.js';
import { listenerId, listenerKey, listenerUrl, type ListenerFactory, type ListenerRuntime } from './listener-runtime.js';
import type { ProblemView } from './engine-state.js';

interface Entry {
  key: string;
  loadBalancer: LoadBalancer;
  listener: Listener;
  runtime: ListenerRuntime | undefined;
  /** What the socket is set to: the runtime switch if there is one, else the config's `enabled`. */
  enabled: boolean;
  /** The runtime switch (setEnabled), kept apart from the config so that a reconcile cannot undo it. */
  switched?: boolean;
  error?: string;
}

export interface ListenerSetOptions {
  dataDir: string;
  recorder: TrafficRecorder;
  resolveTargetGroup: (name: string) => TargetGroupRuntime | undefined;
  factory?: ListenerFactory | undefined;
  certificates: () => CertificateStore;
  onChange: () => void;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export class ListenerSet {
  private readonly entries = new Map<string, Entry>();
  private paused = false;

  constructor(private readonly options: ListenerSetOptions) {}

  async apply(config: BerthConfig): Promise<void> {
    const wanted = new Map<string, { lb: LoadBalancer; listener: Listener }>();
    for (const lb of config.loadBalancers) for (const listener of lb.listeners) wanted.set(listenerKey(lb, listener), { lb, listener });

    for (const [key, entry] of this.entries) {
      if (!wanted.has(key)) {
        this.entries.delete(key);
        await entry.runtime?.stop().catch((err: unknown) => this.options.log('warn', `stopping ${describe(entry)}: ${String(err)}`));
      }
    }
    for (const [key, { lb, listener }] of wanted) {
      const entry = this.entries.get(key);
      if (entry) {
        if (entry.listener.enabled !== listener.enabled) delete entry.switched;
        entry.loadBalancer = lb;
        entry.listener = listener;
        entry.runtime?.update(listener, lb);
        const enabled = entry.switched ?? listener.enabled;
        if (entry.enabled !== enabled) await this.toggle(entry, enabled);
        continue;
      }
      const fresh: Entry = { key, loadBalancer: lb, listener, runtime: undefined, enabled: listener.enabled };
      this.entries.set(key, fresh);
      await this.open(fresh);
    }
  }

  async setEnabled(loadBalancer: string, id: string, enabled: boolean): Promise<void> {
    const entry = [...this.entries.values()].find((e) => e.loadBalancer.name === loadBalancer && listenerId(e.listener) === id);
    if (!entry) throw new BerthError('NOT_FOUND', `no listener ${id} on load balancer "${loadBalancer}"`, { loadBalancer, listener: id });
    if (enabled === entry.listener.enabled) delete entry.switched;
    else entry.switched = enabled;
    await this.toggle(entry, enabled);
  }

  /** Pausing closes every listener's socket; resuming restores each listener's own switch. */
  async pause(paused: boolean): Promise<void> {
    this.paused = paused;
    for (const entry of this.entries.values()) {
      if (!entry.runtime) continue;
      await entry.runtime.setEnabled(!paused && entry.enabled).catch((err: unknown) => {
        entry.error = err instanceof Error ? err.message : String(err);
      });
    }
    this.options.onChange();
  }

  async stopAll(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => e.runtime?.stop().catch(() => undefined)));
  }

  states(lb: LoadBalancer): ListenerState[] {
    return lb.listeners.map((listener) => {
      const entry = this.entries.get(listenerKey(lb, listener));
      const url = listenerUrl(listener);
      const enabled = entry?.enabled ?? listener.enabled;
      return {
        loadBalancer: lb.name,
        id: listenerId(listener),
        address: listener.address,
        port: listener.port,
        protocol: listener.protocol,
        enabled,
        status: entry?.error ? 'error' : enabled && !this.paused ? 'ok' : 'disabled',
        ...(url ? { url } : {}),
        ...(entry?.error ? { error: entry.error } : {}),
      };
    });
  }

  /** The listeners taking connections now, each able to take one accepted elsewhere (containers). */
  running(): { loadBalancer: LoadBalancer; listener: Listener; accept: (socket: Socket) => boolean }[] {
    if (this.paused) return [];
    return [...this.entries.values()].flatMap((e) => {
      const runtime = e.runtime;
      if (!runtime?.accept || !e.enabled || e.error) return [];
      return [{ loadBalancer: e.loadBalancer, listener: e.listener, accept: (socket: Socket) => runtime.accept!(socket) }];
    });
  }

  problems(): ProblemView[] {
    return [...this.entries.values()].filter((e) => e.error).map((e) => ({ source: 'listener' as const, message: e.error!, where: describe(e) }));
  }

  private async open(entry: Entry): Promise<void> {
    try {
      const factory = this.options.factory ?? createListener;
      entry.runtime = factory({
        loadBalancer: entry.loadBalancer,
        listener: entry.listener,
        resolveTargetGroup: this.options.resolveTargetGroup,
        recorder: this.options.recorder,
        dataDir: this.options.dataDir,
        certificates: this.options.certificates,
      });
      const live = entry.enabled && !this.paused;
      if (live) await entry.runtime.start();
      delete entry.error;
      if (live) this.options.log('info', `listening ${describe(entry)} ${listenerUrl(entry.listener) ?? ''}`);
    } catch (err) {
      entry.error = err instanceof Error ? err.message : String(err);
      this.options.log('error', entry.error);
    }
    this.options.onChange();
  }

  private async toggle(entry: Entry, enabled: boolean): Promise<void> {
    entry.enabled = enabled;
    if (!entry.runtime) {
      if (enabled) await this.open(entry);
      return;
    }
    try {
      await entry.runtime.setEnabled(enabled && !this.paused);
      delete entry.error;
    } catch (err) {
      entry.error = err instanceof Error ? err.message : String(err);
    }
    this.options.onChange();
  }
}

function describe(e: Entry): string {
  return `${e.loadBalancer.name} ${listenerId(e.listener)} on ${e.listener.address}`;
}
