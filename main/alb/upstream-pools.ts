// Keep-alive connection pools to targets (undici), one per target object. Plain requests go through
// undici rather than http-proxy-3: measured in docs/performance.md. Pools nobody used for a while
// (a container that went away) are closed by a periodic sweep.
import { Pool } from 'undici';
import type { ForwardTarget } from './listener-dependencies.js';

export interface UpstreamPoolOptions {
  /** AWS gives a target 10 s to accept a connection (then 504). */
  connectTimeoutMs: number;
  /** Upper bound of connections per target; further requests queue. */
  connections?: number;
}

const SWEEP_MS = 30_000;
// Large enough that AWS's response-header limit (32 KB → 502) is what bites, not undici's default.
const MAX_HEADER_SIZE = 32 * 1024;

interface Entry {
  pool: Pool;
  usedAt: number;
}

export class UpstreamPools {
  private readonly pools = new Map<ForwardTarget, Entry>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: UpstreamPoolOptions) {}

  get(target: ForwardTarget, tls: boolean, now: number): Pool {
    const entry = this.pools.get(target);
    if (entry) {
      entry.usedAt = now;
      return entry.pool;
    }
    const host = target.host.includes(':') ? `[${target.host}]` : target.host;
    const pool = new Pool(`${tls ? 'https' : 'http'}://${host}:${target.port}`, {
      connections: this.options.connections ?? 256,
      maxHeaderSize: MAX_HEADER_SIZE,
      // AWS does not verify target certificates (self-signed and expired are accepted).
      connect: { timeout: this.options.connectTimeoutMs, ...(tls ? { rejectUnauthorized: false } : {}) },
    });
    // A pool error is also reported to the request it concerns; this only keeps it from crashing.
    pool.on('connectionError', noop);
    this.pools.set(target, { pool, usedAt: now });
    this.timer ??= setInterval(() => this.sweep(), SWEEP_MS).unref();
    return pool;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const pools = [...this.pools.values()].map((e) => e.pool);
    this.pools.clear();
    await Promise.all(pools.map((p) => p.destroy().catch(noop)));
  }

  private sweep(): void {
    const idleSince = performance.now() - 2 * SWEEP_MS;
    for (const [target, entry] of this.pools) {
      const stats = entry.pool.stats;
      if (entry.usedAt < idleSince && stats.pending === 0 && stats.running === 0) {
        this.pools.delete(target);
        entry.pool.close().catch(noop);
      }
    }
    if (this.pools.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

function noop(): void {}
