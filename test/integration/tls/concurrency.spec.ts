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

  /** Canary requests every 50 ms on another server while `work` runs (and at least a second in all). */
  async function canaryDuring(work: () => Promise<void>): Promise<{ p99: number; samples: number; workMs: number }> {
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
    const timer = setInterval(() => probes.push(probe()), 50);
    const started = performance.now();
    let workMs = 0;
    try {
      await work();
      workMs = performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, Math.max(300, 1000 - workMs)));
    } finally {
      clearInterval(timer);
      await Promise.all(probes);
      await canary.close();
    }
    return { p99: percentile(latencies, 99), samples: latencies.length, workMs };
  }

  // The names arrive 10 at a time, as a page opening many subdomains would: 100 handshakes landing at
  // once block any Node TLS server for a while even when nothing is minted. Latency on a machine shared
  // with other suites (a browser in the other worker) says little about Berth, so each attempt first
  // measures a control run of the same handshakes for a cached name; only an attempt whose control
  // stays under 25 ms is judged, with new names each time (in CI the third attempt is judged regardless).
  it('100 different new names at once leave another server answering within 50 ms (p99)', async (ctx) => {
    const seen: string[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const control = await canaryDuring(async () => {
        await handshakesInChild(https.port, Array.from({ length: 100 }, () => 'burst.demo.localhost'), 10);
      });
      const before = store.stats().minted;
      let fingerprints: string[] = [];
      const minting = await canaryDuring(async () => {
        fingerprints = await handshakesInChild(https.port, Array.from({ length: 100 }, (_, i) => `n${i}.try${attempt}.load.localhost`), 10);
      });
      expect(store.stats().minted - before).toBe(100);
      expect(new Set(fingerprints).size).toBe(100);
      const line = `attempt ${attempt}: canary p99 ${minting.p99.toFixed(1)} ms over ${minting.samples} requests while minting 100 names in ${minting.workMs.toFixed(0)} ms (control burst p99 ${control.p99.toFixed(1)} ms)`;
      console.log(line);
      seen.push(line);
      // In CI this suite runs alone (vitest.config.ts, project "quiet"), so the last attempt is judged
      // whatever its control showed: there a busy machine is a failure to look at, never a skip.
      if (control.p99 < 25 || (process.env.CI === 'true' && attempt === 3)) {
        expect(minting.samples).toBeGreaterThanOrEqual(15);
        expect(minting.p99).toBeLessThan(50);
        return;
      }
    }
    console.warn(`canary latency not judged: the machine was too busy even for the control burst\n${seen.join('\n')}`);
    ctx.skip();
  });
});
