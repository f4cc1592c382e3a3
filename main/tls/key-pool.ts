// Leaf keys made ahead of time on libuv's thread pool, so a handshake for a new name rarely waits
// for key generation and never runs it on the event loop. Refills in the background, a few at a time,
// to leave threads for the file system and DNS.
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * ECDSA P-256 is the default: generation takes well under a millisecond and handshakes are cheaper.
 * RSA 2048 is there for clients without ECDSA; it takes 50–500 ms per key, which is what the pool hides.
 */
export type LeafKeyAlgorithm = 'ec-p256' | 'rsa-2048';

export interface LeafKey {
  algorithm: LeafKeyAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface KeyPoolOptions {
  algorithm?: LeafKeyAlgorithm;
  /** Keys kept ready (default 8). */
  size?: number;
  /** Keys generated at the same time while refilling (default 2). */
  concurrency?: number;
}

export function generateLeafKey(algorithm: LeafKeyAlgorithm): Promise<LeafKey> {
  const pair = algorithm === 'rsa-2048'
    ? generateKeyPairAsync('rsa', { modulusLength: 2048 })
    : generateKeyPairAsync('ec', { namedCurve: 'prime256v1' });
  return pair.then(({ privateKey, publicKey }) => ({ algorithm, privateKey, publicKey }));
}

export class KeyPool {
  readonly algorithm: LeafKeyAlgorithm;
  private readonly size: number;
  private readonly concurrency: number;
  private readonly ready: LeafKey[] = [];
  private readonly waiting: Array<{ resolve: (key: LeafKey) => void; reject: (err: unknown) => void }> = [];
  private generating = 0;
  private stopped = true;
  private generated = 0;

  constructor(options: KeyPoolOptions = {}) {
    this.algorithm = options.algorithm ?? 'ec-p256';
    this.size = Math.max(0, options.size ?? 8);
    this.concurrency = Math.max(1, options.concurrency ?? 2);
  }

  /** Starts filling the pool; take() works before (it then generates on demand). */
  start(): void {
    this.stopped = false;
    this.refill();
  }

  stop(): void {
    this.stopped = true;
  }

  /** A key nobody else gets; from the pool when one is ready, else the next one generated. */
  take(): Promise<LeafKey> {
    const key = this.ready.shift();
    const promise = key ? Promise.resolve(key) : new Promise<LeafKey>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.refill();
    return promise;
  }

  stats(): { ready: number; generating: number; generated: number } {
    return { ready: this.ready.length, generating: this.generating, generated: this.generated };
  }

  private refill(): void {
    const wanted = () => this.waiting.length + (this.stopped ? 0 : this.size - this.ready.length);
    // Someone waiting gets the whole default thread pool (4); background refills stay polite.
    const limit = this.waiting.length > 0 ? Math.max(this.concurrency, 4) : this.concurrency;
    while (this.generating < limit && this.generating < wanted()) {
      this.generating++;
      generateLeafKey(this.algorithm).then(
        (key) => {
          this.generating--;
          this.generated++;
          const waiter = this.waiting.shift();
          if (waiter) waiter.resolve(key);
          else if (!this.stopped) this.ready.push(key);
          this.refill();
        },
        (err: unknown) => {
          this.generating--;
          // A failed generation fails one waiter; the next refill tries again.
          this.waiting.shift()?.reject(err);
          if (this.waiting.length > 0) this.refill();
        },
      );
    }
  }
}
