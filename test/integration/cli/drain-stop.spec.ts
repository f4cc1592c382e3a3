// `docker stop` on one of three targets while a client sends 200 req/s through `berth up`: the
// container is taken out of its group when Docker sends the stop signal (as ECS deregisters a task
// before stopping it), so with a target that shuts down gracefully not one request fails.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Agent, request } from 'undici';
import { describeDocker, ensureEngine, runId, testDockerHost, type TestContainer } from '../../helpers/docker.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';

const berth = fileURLToPath(new URL('../../../bin/berth.js', import.meta.url));
const run = promisify(execFile);

describeDocker('docker stop under load through berth up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-drain-'));
  const env = { ...process.env, BERTH_DATA_DIR: join(dir, 'data'), DOCKER_HOST: testDockerHost() };
  const label = `t.stop.${runId}`;
  let up: ChildProcess | undefined;
  let out = '';
  let port: number;
  let pool: TestContainer[];
  const agent = new Agent({ connections: 64 });

  beforeAll(async () => {
    const engine = await ensureEngine();
    // Each keeps serving 3 s after SIGTERM, then finishes its requests and exits (before the 5 s
    // `docker stop -t 5` gives it).
    pool = await Promise.all([1, 2, 3].map(() => engine.startContainer({ labels: { [label]: 'yes' }, env: { GRACE_MS: '3000' } })));
    await Promise.all(pool.map((c) => c.serving()));
    port = await freePort();
    const file = join(dir, 'berth.yaml');
    writeFileSync(
      file,
      [
        'loadBalancers:',
        '  - name: web',
        '    listeners:',
        `      - port: ${port}`,
        '        protocol: HTTP',
        '        defaultAction: { forward: pool }',
        'targetGroups:',
        '  - name: pool',
        '    protocol: HTTP',
        '    deregistrationDelaySeconds: 10',
        '    healthCheck: { path: /health }',
        '    targets:',
        `      docker: { labels: { ${label}: "yes" }, containerPort: 8081 }`,
        '',
      ].join('\n'),
    );
    up = spawn(process.execPath, [berth, 'up', '-c', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    up.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    up.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await eventually(() => expect(out).toContain(`listening web ${port}/HTTP`), { timeoutMs: 60_000 });
    // All three answer through Berth before the load starts.
    const names = new Set<string>();
    await eventually(async () => {
      const r = await request(`http://127.0.0.1:${port}/who`, { dispatcher: agent });
      if (r.statusCode === 200) names.add(((await r.body.json()) as { name: string }).name);
      else await r.body.dump();
      expect([...names].sort()).toEqual(pool.map((c) => c.name).sort());
    }, { timeoutMs: 60_000 });
  }, 180_000);

  afterAll(async () => {
    up?.kill('SIGTERM');
    await agent.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('0 non-200 answers while one of three targets is stopped with docker stop at 200 req/s', async () => {
    const victim = pool[1]!;
    const results: { start: number; status: number | string; by?: string }[] = [];
    const inFlight: Promise<void>[] = [];
    let stopAt = Infinity;
    let exitedAt = Infinity;
    let stopped: Promise<unknown> | undefined;
    let victimAnswers = 0;
    const total = 1600;
    const t0 = performance.now();
    // Paced by the clock, not by the loop: 200 requests per second for 8 s, catching up after a stall.
    for (let sent = 0; sent < total; ) {
      const due = Math.min(total, Math.floor((performance.now() - t0) / 5) + 1);
      if (sent >= due) {
        await new Promise((r) => setTimeout(r, 2));
        continue;
      }
      sent++;
      const start = performance.now();
      inFlight.push(
        request(`http://127.0.0.1:${port}/work?n=${sent}`, { dispatcher: agent })
          .then(async (r) => {
            const text = await r.body.text();
            const by = r.statusCode === 200 ? (JSON.parse(text) as { name: string }).name : text.slice(0, 200);
            if (by === victim.name) victimAnswers++;
            results.push({ start, status: r.statusCode, by });
          })
          .catch((err: Error) => void results.push({ start, status: `${(err as { code?: string }).code ?? err.name}: ${err.message}` })),
      );
      // The stop comes once the victim is seen in the rotation (a loaded machine can stall the client).
      if (!stopped && performance.now() - t0 > 1500 && victimAnswers >= 10) {
        stopAt = performance.now();
        // The docker command a user types; it returns once the container has exited.
        stopped = run('docker', ['stop', '-t', '5', victim.name], { env }).then(() => (exitedAt = performance.now()));
      }
    }
    await Promise.all(inFlight);
    await stopped;

    const failed = results.filter((r) => r.status !== 200);
    const duringShutdown = results.filter((r) => r.start >= stopAt && r.start <= exitedAt);
    const byVictim = results.filter((r) => r.by === victim.name);
    console.log(
      `[drain/berth up] ${results.length} requests, ${failed.length} non-200; ${duringShutdown.length} began between docker stop and the exit ` +
        `(${Math.round(exitedAt - stopAt)} ms); ${victim.name} answered ${byVictim.length}, the last one begun ${Math.round(Math.max(...byVictim.map((r) => r.start)) - stopAt)} ms after docker stop`,
    );
    expect(results).toHaveLength(total);
    expect(failed).toEqual([]);
    // The stop really happened in the middle of the load, and the victim had its share before it.
    expect(exitedAt).toBeLessThan(Infinity);
    expect(duringShutdown.length).toBeGreaterThan(100);
    expect(results.filter((r) => r.by === victim.name && r.start < stopAt).length).toBeGreaterThanOrEqual(10);
    const { stdout } = await run('docker', ['inspect', '-f', '{{.State.Status}}', victim.name], { env });
    expect(stdout.trim()).toBe('exited');
  }, 120_000);
});
