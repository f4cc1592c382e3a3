// Watches one Docker engine and keeps a whole, current list of its containers. Level-triggered: any
// container event only says "something changed", and the answer is always a fresh full list, so a
// missed, reordered or duplicated event can never leave the list wrong. The engine going away is
// a state, not an error: the last list is kept (marked stale) and the connection retried with backoff.
import { EventEmitter } from 'node:events';
import Dockerode from 'dockerode';
import type { DiscoveryState } from '../../shared/model/index.js';
import { snapshotsFromList, type ContainerSnapshot } from './container-snapshot.js';
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
    // Every event line means "re-list soon"; its content does not matter for a level-triggered list.
    events.on('data', () => this.requestSync(generation));
    const gone = (err?: unknown) => this.lost(generation, err ?? new Error('the Docker event stream closed'));
    events.on('error', gone);
    events.on('end', () => gone());
    events.on('close', () => gone());
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
    const key = JSON.stringify(containers);
    if (key !== this.listKey) {
      this.list = containers;
      this.listKey = key;
      this.emit('snapshot', [...containers]);
    }
    if (!this.connected) {
      this.connected = true;
      this.error = undefined;
      this.emit('status', this.status());
    }
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
    this.syncing = undefined;
    this.docker = undefined;
    if (this.events) destroyStream(this.events);
    this.events = undefined;
  }

  private isCurrent(generation: number): boolean {
    return this.running && generation === this.generation;
  }
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
