// Acceptance: 100 parallel first handshakes for one new name mint one certificate; while 100
// different new names are minted, a canary request every 50 ms on another server keeps p99 < 50 ms.
import { createServer, get } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateStore, type CertificateEvent } from '../../../main/tls/index.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';
import { handshake, handshakesInChild, listen, startServer, type RunningServer } from './tls-fixtures.js';

let tmp: TempDir;
let store: CertificateStore;
let https: RunningServer;
const events: CertificateEvent[] = [];

beforeAll(async () => {
  tmp = await tempDir('berth-tls-load-');
  store = new CertificateStore({ dataDir: join(tmp.path, 'data'), onEvent: (e) => events.push(e) });
  await store.init();
  https = await startServer(store, { allowedNames: ['*.localhost'] });
});
afterAll(async () => {
  await https?.close();
  await store?.close();
  await tmp?.remove();
});

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe('minting under load', () => {
  it('100 parallel first handshakes for one new name: one certificate minted, all served it', async () => {
    const before = store.stats().minted;
    const results = await Promise.all(Array.from({ length: 100 }, () => handshake(https.port, 'burst.demo.localhost')));
    expect(store.stats().minted - before).toBe(1);
    expect(new Set(results.map((r) => r.certPem)).size).toBe(1);
    expect(events.filter((e) => e.type === 'minted' && e.names[0] === 'burst.demo.localhost')).toHaveLength(1);
  });

  // One retry: this measures latency, and a CI machine shared with other suites can stall any single run.
  it('100 different new names at once leave another server answering within 50 ms (p99)', { retry: 1 }, async () => {
    const canary = await listen(createServer((_req, res) => res.end('alive')) as never);
    const latencies: number[] = [];
    const probe = () =>
      new Promise<void>((resolve, reject) => {
        const started = performance.now();
        get({ host: '127.0.0.1', port: canary.port, path: '/', agent: false }, (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - started);
            resolve();
          });
        }).on('error', reject);
      });
    const probes: Promise<void>[] = [];
    let mintingMs = 0;
    const timer = setInterval(() => probes.push(probe()), 50);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const before = store.stats().minted;
      const started = performance.now();
      const fingerprints = await handshakesInChild(https.port, Array.from({ length: 100 }, (_, i) => `n${i}.load.localhost`));
      mintingMs = performance.now() - started;
      expect(store.stats().minted - before).toBe(100);
      expect(new Set(fingerprints).size).toBe(100);
      // Keep probing for a while after the burst, so the sample covers it however short it was.
      await new Promise((resolve) => setTimeout(resolve, Math.max(500, 1000 - mintingMs)));
    } finally {
      clearInterval(timer);
      await Promise.all(probes);
      await canary.close();
    }
    const p99 = percentile(latencies, 99);
    console.log(`canary while minting 100 names in ${mintingMs.toFixed(0)} ms: ${latencies.length} requests, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`);
    expect(latencies.length).toBeGreaterThanOrEqual(15);
    expect(p99).toBeLessThan(50);
  });
});
