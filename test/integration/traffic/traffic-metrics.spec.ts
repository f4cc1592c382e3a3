// getMetrics through the engine's contract handlers after real requests through a real HTTP
// listener to loopback targets: counts per group and per target, status classes, requests in flight.
import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BerthEngine } from '../../../main/engine/index.js';
import { createHandlers } from '../../../main/control/handlers.js';
import { configSchema } from '../../../shared/model/index.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** A target answering /status/NNN with that status, and holding /hold until `release()`. */
async function target(): Promise<{ port: number; release: () => void }> {
  const held: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    if (req.url === '/hold') return void held.push(res);
    const status = Number(/^\/status\/(\d{3})/.exec(req.url ?? '')?.[1] ?? 200);
    res.writeHead(status, { 'content-type': 'text/plain' }).end(`status ${status}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => (server.closeAllConnections(), server.close(r))));
  return { port: (server.address() as { port: number }).port, release: () => held.splice(0).forEach((res) => res.end('released')) };
}

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    }).on('error', reject);
  });
}

async function engineWith(targetPorts: number[]): Promise<{ engine: BerthEngine; port: number }> {
  const port = await freePort();
  const config = configSchema.parse({
    loadBalancers: [{ name: 'web', listeners: [{ port, protocol: 'HTTP', defaultAction: { forward: 'app' } }] }],
    targetGroups: [{ name: 'app', protocol: 'HTTP', targets: { static: targetPorts.map((p) => `127.0.0.1:${p}`) } }],
  });
  const engine = new BerthEngine({ config, dataDir: mkdtempSync(join(tmpdir(), 'berth-metrics-')), discovery: false, healthChecks: false });
  await engine.start();
  closers.push(() => engine.stop());
  return { engine, port };
}

describe('getMetrics over real traffic', () => {
  it('counts each request by group, target and status class, and reports requests in flight', async () => {
    const a = await target();
    const b = await target();
    const { engine, port } = await engineWith([a.port, b.port]);
    const handlers = createHandlers({ engine });
    const paths = [...Array<string>(20).fill('/status/200'), ...Array<string>(3).fill('/status/301'), ...Array<string>(6).fill('/status/404'), ...Array<string>(4).fill('/status/503')];
    for (const p of paths) await get(port, p);

    const metrics = await eventually(async () => {
      const m = await handlers.getMetrics({ windowSeconds: 60 });
      expect(m.find((x) => !x.target)?.requests).toBe(33);
      return m;
    });
    const group = metrics.find((m) => m.targetGroup === 'app' && !m.target)!;
    expect([group.status2xx, group.status3xx, group.status4xx, group.status5xx]).toEqual([20, 3, 6, 4]);
    expect(group.requestsPerSecond).toBeCloseTo(33 / 60, 6);
    expect(group.p50).toBeGreaterThan(0);
    expect(group.p99).toBeGreaterThanOrEqual(group.p50);
    expect(group.series).toHaveLength(60);
    expect(group.series.reduce((n, p) => n + p.requests, 0)).toBe(33);
    const targets = metrics.filter((m) => m.target);
    expect(targets.map((t) => t.target).sort()).toEqual([`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`].sort());
    expect(targets.reduce((n, t) => n + t.requests, 0)).toBe(33);
    expect(group.inFlight).toBe(0);

    const held = get(port, '/hold');
    await eventually(async () => {
      const m = await handlers.getMetrics({});
      expect(m.find((x) => !x.target)!.inFlight).toBe(1);
      expect(m.filter((x) => x.target).reduce((n, t) => n + (t.inFlight ?? 0), 0)).toBe(1);
    });
    a.release();
    b.release();
    expect(await held).toBe(200);
    await eventually(async () => {
      const m = await handlers.getMetrics({});
      expect(m.find((x) => !x.target)).toMatchObject({ requests: 34, inFlight: 0 });
    });
  }, 30_000);
});
