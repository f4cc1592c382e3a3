// Keep-alive connection pools to targets, one per target object, on the upstream client chosen for
// this process (client-choice.ts). Pools nobody used for a while (a container that went away) are
// closed by a periodic sweep, which also closes connections idle past their keep-alive time.
import type { ForwardTarget } from '../listener-dependencies.js';
import { upstreamClient, type UpstreamClient } from './client-choice.js';
import { Http2Pool } from './http2-client.js';
import type { UpstreamPool } from './upstream-handler.js';

export interface UpstreamPoolsOptions {
  /** AWS gives a target 10 s to accept a connection (then 504). */
  connectTimeoutMs: number;
  /** Upper bound of connections per target; further requests queue. */
  connections?: number;
  /** Default: the client BERTH_UPSTREAM_CLIENT (or the binding check) chooses. */
  client?: UpstreamClient;
}

const SWEEP_MS = 30_000;

export class UpstreamPools {
  private readonly pools = new Map<ForwardTarget, UpstreamPool>();
  /** Targets of HTTP2 and GRPC groups: one HTTP/2 session each (http2-client.ts). */
  private readonly http2Pools = new Map<ForwardTarget, UpstreamPool>();
  private timer: NodeJS.Timeout | undefined;
  readonly client: UpstreamClient;

  constructor(private readonly options: UpstreamPoolsOptions) {
    this.client = options.client ?? upstreamClient();
  }

  /** `http2`: the target's group has protocolVersion HTTP2 or GRPC. */
  get(target: ForwardTarget, tls: boolean, http2 = false): UpstreamPool {
    const pools = http2 ? this.http2Pools : this.pools;
    let pool = pools.get(target);
    if (pool === undefined || pool.options.tls !== tls) {
      pool?.close();
      const host = target.host.startsWith('[') ? target.host.slice(1, -1) : target.host;
      const options = { host, port: target.port, tls, connectTimeoutMs: this.options.connectTimeoutMs, maxConnections: this.options.connections ?? 256 };
      pool = http2 ? new Http2Pool(options) : this.client.createPool(options);
      pools.set(target, pool);
      this.timer ??= setInterval(() => this.sweep(), SWEEP_MS).unref();
    }
    return pool;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const pools = [...this.pools.values(), ...this.http2Pools.values()];
    this.pools.clear();
    this.http2Pools.clear();
    for (const pool of pools) pool.close();
  }

  private sweep(): void {
    const now = performance.now();
    const unusedSince = now - 2 * SWEEP_MS;
    for (const pools of [this.pools, this.http2Pools]) {
      for (const [target, pool] of pools) {
        const empty = pool.sweep(now);
        if (empty && pool.usedAt < unusedSince) {
          pools.delete(target);
          pool.close();
        }
      }
    }
    if (this.pools.size === 0 && this.http2Pools.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
