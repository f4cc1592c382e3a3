// Watches one Docker engine and keeps a whole, current list of its containers. Level-triggered: any
// container event says "something changed", and the answer is a fresh full list, so a missed,
// reordered or duplicated event can never leave the list wrong. Each event is also read at once
// (event-overlay.ts): a stop signal takes the container out of service before it exits, and an event
// Docker's list does not show yet overrides it until a later list does. The engine going away is
// a state, not an error: the last list is kept (marked stale) and the connection retried with backoff.
import { EventEmitter } from 'node:events';
import Dockerode from 'dockerode';
import type { DiscoveryState } from '../../shared/model/index.js';
import { snapshotsFromList, type ContainerSnapshot } from './container-snapshot.js';
import { EventLineReader, isStoppingSignal, type ContainerEvent } from './container-events.js';
import { EventOverlay } from './event-overlay.js';
import { dockerodeOptions, resolveDockerEndpoint, type DockerEndpoint, type EndpointInputs } from './docker-endpoint.js';

export interface DockerDiscoveryOptions extends Omit<EndpointInputs, 'flag'> {
  /** The `--docker-host` flag; wins over DOCKER_HOST and docker contexts. */
  dockerHost?: string;
  /** How long to gather a burst of events into one re-list. Small: latency matters more than calls. */
  coalesceMs?: number;
  /** Reconnect delays: the first, doubling up to the max. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Timeout of a single list or version request, so a hung engine reads as disconnected. */
  requestTimeoutMs?: number;
  /** How long a stop signal keeps a still-running container out of service (default 30 s). */
  stoppingHoldMs?: number;
  /** How long an event's word stands against lists that do not show it yet (default 10 s). */
  confirmMs?: number;
}

export interface DockerDiscoveryEvents {
  /** The full container list, whenever it differs from the last one emitted. */
  snapshot: [containers: ContainerSnapshot[]];
  status: [status: DiscoveryState];
  /** Something to show but not fatal, e.g. a container entry the API returned malformed. */
  warning: [message: string];
}

// Everything that can add, remove, or change the ports, state or health of a container.
const WATCHED_EVENTS = ['create', 'start', 'die', 'stop', 'kill', 'pause', 'unpause', 'destroy', 'health_status', 'rename'];

export class DockerDiscovery extends EventEmitter<DockerDiscoveryEvents> {
  private readonly endpointInfo: DockerEndpoint;
  private readonly coalesceMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly requestTimeoutMs: number;

  private running = false;
  /** Bumped on every (re)connect, loss and stop: work started under an older value is ignored. */
  private generation = 0;
  private docker: Dockerode | undefined;
  private events: NodeJS.ReadableStream | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private backoffMs: number;
  private syncing: { generation: number; done: Promise<void> } | undefined;
  private dirty = false;
  private readonly overlay: EventOverlay;
  /** Re-lists while Docker's list lags behind an event; the delay doubles up to a second. */
  private confirmTimer: NodeJS.Timeout | undefined;
  private confirmDelayMs = FIRST_CONFIRM_MS;
  private holdTimer: NodeJS.Timeout | undefined;

  /** Docker's last list as it came… */
  private raw: ContainerSnapshot[] = [];
  /** …and as published: with what events said since. */
  private list: ContainerSnapshot[] = [];
  private listKey: string | undefined;
  private connected = false;
  private error: string | undefined;
  private lastSyncAt: number | undefined;
  private apiVersion: string | undefined;

  constructor(options: DockerDiscoveryOptions = {}) {
    super();
    this.endpointInfo = resolveDockerEndpoint({ ...options, flag: options.dockerHost });
    this.coalesceMs = options.coalesceMs ?? 10;
    this.initialBackoffMs = options.backoff?.initialMs ?? 250;
    this.maxBackoffMs = options.backoff?.maxMs ?? 5_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.backoffMs = this.initialBackoffMs;
    this.overlay = new EventOverlay({ confirmMs: options.confirmMs ?? 10_000, stoppingHoldMs: options.stoppingHoldMs ?? 30_000 });
  }

  /** Connects and lists once. Never throws: an unreachable engine shows in status() and is retried. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.connect();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const pending = this.syncing?.done;
    this.disconnect();
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    await pending?.catch(() => undefined);
  }

  /** The last list seen; while disconnected, the last one before the connection was lost. */
  containers(): ContainerSnapshot[] {
    return [...this.list];
  }

  status(): DiscoveryState {
    return {
      connected: this.connected,
      stale: !this.connected && this.lastSyncAt !== undefined,
      endpoint: this.endpointInfo.host,
      source: this.endpointInfo.description,
      lookedAt: [...this.endpointInfo.lookedAt],
      ...(this.error ? { error: this.error } : {}),
      ...(this.lastSyncAt ? { lastSyncAt: this.lastSyncAt } : {}),
    };
  }

  /** Where the endpoint came from and every place looked at, for "cannot reach Docker" messages. */
  endpoint(): DockerEndpoint {
    return this.endpointInfo;
  }

  /** The API version agreed with the engine on the current connection. */
  negotiatedApiVersion(): string | undefined {
    return this.apiVersion;
  }

  /** Re-lists now, e.g. after the caller knows something changed; resolves when the list is current. */
  async resync(): Promise<void> {
    if (!this.connected) return;
    const generation = this.generation;
    await this.sync(generation).catch((err: unknown) => this.lost(generation, err));
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    try {
      const options = dockerodeOptions(this.endpointInfo);
      // Ask the engine which API it speaks and use exactly that: pinning one version breaks on
      // engines older (400) or much newer (minimum raised) than the pin.
      const probe = new Dockerode(options);
      const version = await versionOf(probe, this.requestTimeoutMs);
      this.apiVersion = version.ApiVersion;
      const docker = new Dockerode({ ...options, ...(version.ApiVersion ? { version: `v${version.ApiVersion}` } : {}) });
      // Subscribe before listing: a change between the two then triggers one more list instead of being lost.
      const events = await docker.getEvents({ filters: { type: ['container'], event: WATCHED_EVENTS } });
      if (!this.isCurrent(generation)) {
        destroyStream(events);
        return;
      }
      this.docker = docker;
      this.watch(events, generation);
      await this.sync(generation);
      this.backoffMs = this.initialBackoffMs;
    } catch (err) {
      this.lost(generation, err);
    }
  }

  private watch(events: NodeJS.ReadableStream, generation: number): void {
    this.events = events;
    const reader = new EventLineReader();
    // Every event is read at once (a stop signal must not wait for a list), and every chunk also
    // means "re-list soon": the list stays the truth the events are checked against.
    events.on('data', (chunk: Buffer) => {
      for (const event of reader.push(chunk)) this.onEvent(event, generation);
      this.requestSync(generation);
    });
    const gone = (err?: unknown) => this.lost(generation, err ?? new Error('the Docker event stream closed'));
    events.on('error', gone);
    events.on('end', () => gone());
    events.on('close', () => gone());
  }

  private onEvent(event: ContainerEvent, generation: number): void {
    if (!this.isCurrent(generation)) return;
    if (this.overlay.observe(event, Date.now())) this.publish();
    else if (event.action === 'kill' && event.signal !== undefined) void this.checkStopSignal(event.id, event.signal, generation);
  }

  /** A signal other than TERM, INT, QUIT or KILL stops a container only if it is the container's StopSignal. */
  private async checkStopSignal(id: string, signal: number, generation: number): Promise<void> {
    const docker = this.docker;
    if (!docker) return;
    try {
      const info = await inspectContainer(docker, id, this.requestTimeoutMs);
      if (!this.isCurrent(generation) || !isStoppingSignal(signal, info.Config?.StopSignal ?? undefined)) return;
      this.overlay.markStopping(id, Date.now());
      this.publish();
    } catch {
      // Gone already, or the engine is going away: the next list says which.
    }
  }

  /** Coalesces a burst of events into one list, started a few ms after the first event. */
  private requestSync(generation: number): void {
    if (!this.isCurrent(generation) || this.syncTimer) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      this.sync(generation).catch((err: unknown) => this.lost(generation, err));
    }, this.coalesceMs);
  }

  /** One list at a time; events during a list mark it dirty and cause exactly one more. */
  private sync(generation: number): Promise<void> {
    if (this.syncing?.generation === generation) {
      this.dirty = true;
      return this.syncing.done;
    }
    const done = (async () => {
      try {
        do {
          this.dirty = false;
          await this.listOnce(generation);
        } while (this.dirty && this.isCurrent(generation));
      } finally {
        if (this.syncing?.generation === generation) this.syncing = undefined;
      }
    })();
    this.syncing = { generation, done };
    return done;
  }

  private async listOnce(generation: number): Promise<void> {
    const docker = this.docker;
    if (!docker || !this.isCurrent(generation)) return;
    const entries = await docker.listContainers({ all: true, abortSignal: AbortSignal.timeout(this.requestTimeoutMs) });
    if (!this.isCurrent(generation)) return;
    const { containers, skipped } = snapshotsFromList(entries);
    for (const s of skipped) this.emit('warning', `skipped container ${s.container}: ${s.reason}`);
    this.lastSyncAt = Date.now();
    this.raw = containers;
    if (this.publish()) this.confirmLater(generation);
    else this.confirmDelayMs = FIRST_CONFIRM_MS;
    if (!this.connected) {
      this.connected = true;
      this.error = undefined;
      this.emit('status', this.status());
    }
  }

  /** Emits the list with the events' word applied if it changed; true while Docker's list still lags an event. */
  private publish(): boolean {
    const { containers, waiting } = this.overlay.apply(this.raw, Date.now());
    const key = JSON.stringify(containers);
    if (key !== this.listKey) {
      this.list = containers;
      this.listKey = key;
      this.emit('snapshot', [...containers]);
    }
    this.scheduleHoldEnd();
    return waiting;
  }

  /** Lists again soon: Docker's list lags the event it is checked against by milliseconds (more under load). */
  private confirmLater(generation: number): void {
    if (this.confirmTimer || !this.isCurrent(generation)) return;
    const delay = this.confirmDelayMs;
    this.confirmDelayMs = Math.min(this.confirmDelayMs * 2, MAX_CONFIRM_MS);
    this.confirmTimer = setTimeout(() => {
      this.confirmTimer = undefined;
      this.sync(generation).catch((err: unknown) => this.lost(generation, err));
    }, delay);
  }

  /** A stop signal that did not stop the container: when its hold ends, look again and give it back its traffic. */
  private scheduleHoldEnd(): void {
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    const until = this.overlay.nextStoppingExpiry();
    if (until === undefined) return;
    this.holdTimer = setTimeout(() => {
      this.holdTimer = undefined;
      this.publish();
      if (this.connected) this.requestSync(this.generation);
    }, Math.max(0, until - Date.now()));
    this.holdTimer.unref();
  }

  /** The connection is gone (or never came): keep the list, say why, retry with backoff. */
  private lost(generation: number, err: unknown): void {
    if (!this.isCurrent(generation)) return;
    this.disconnect();
    const message = `cannot reach Docker at ${this.endpointInfo.host} (from ${this.endpointInfo.description}): ${describe(err)}`;
    if (this.error !== message || this.connected) {
      this.connected = false;
      this.error = message;
      this.emit('status', this.status());
    }
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.maxBackoffMs);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.running) void this.connect();
    }, delay);
  }

  /** Drops the current connection's stream and pending work without touching the list. */
  private disconnect(): void {
    this.generation++;
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    clearTimeout(this.confirmTimer);
    this.confirmTimer = undefined;
    this.confirmDelayMs = FIRST_CONFIRM_MS;
    this.syncing = undefined;
    this.docker = undefined;
    if (this.events) destroyStream(this.events);
    this.events = undefined;
  }

  private isCurrent(generation: number): boolean {
    return this.running && generation === this.generation;
  }
}

const FIRST_CONFIRM_MS = 20;
const MAX_CONFIRM_MS = 1_000;

/** dockerode's inspect() takes an abortSignal at runtime, but its type declarations do not say so. */
function inspectContainer(docker: Dockerode, id: string, timeoutMs: number): Promise<{ Config?: { StopSignal?: string | null } | null }> {
  const container = docker.getContainer(id);
  const inspect = container.inspect as unknown as (opts: { abortSignal: AbortSignal }) => Promise<{ Config?: { StopSignal?: string | null } | null }>;
  return inspect.call(container, { abortSignal: AbortSignal.timeout(timeoutMs) });
}

/** dockerode's version() takes an abortSignal at runtime, but its type declarations do not say so. */
function versionOf(docker: Dockerode, timeoutMs: number): Promise<{ ApiVersion?: string }> {
  const version = docker.version as unknown as (opts: { abortSignal: AbortSignal }) => Promise<{ ApiVersion?: string }>;
  return version.call(docker, { abortSignal: AbortSignal.timeout(timeoutMs) });
}

function destroyStream(stream: NodeJS.ReadableStream): void {
  (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
