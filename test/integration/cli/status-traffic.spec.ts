// `berth status` and `berth traffic` as a user runs them against a running `berth up`: they find it
// through control.json in the data folder and print what it serves and the traffic it saw, filtered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';

const berth = fileURLToPath(new URL('../../../bin/berth.js', import.meta.url));

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [berth, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function request(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    }).on('error', reject);
  });
}

describe('berth status and berth traffic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-status-'));
  const env = { ...process.env, BERTH_DATA_DIR: join(dir, 'data'), DOCKER_HOST: `unix://${join(dir, 'no-docker.sock')}` };
  let up: ChildProcess;
  let target: Server;
  let listenerPort: number;
  let targetPort: number;
  let out = '';

  beforeAll(async () => {
    target = createServer((_req, res) => res.end('from the app')).listen(0, '127.0.0.1');
    await new Promise((r) => target.once('listening', r));
    targetPort = (target.address() as { port: number }).port;
    listenerPort = await freePort();
    const file = join(dir, 'berth.yaml');
    writeFileSync(
      file,
      [
        'loadBalancers:',
        '  - name: web',
        '    listeners:',
        `      - port: ${listenerPort}`,
        '        protocol: HTTP',
        '        defaultAction: { fixedResponse: { statusCode: 404, messageBody: no route } }',
        '        rules:',
        '          - priority: 10',
        '            conditions: { hostHeader: [app.demo.localhost] }',
        '            action: { forward: app }',
        'targetGroups:',
        '  - name: app',
        '    protocol: HTTP',
        '    healthCheck: { enabled: false }',
        '    targets:',
        `      static: ["127.0.0.1:${targetPort}"]`,
        '',
      ].join('\n'),
    );
    up = spawn(process.execPath, [berth, 'up', '-c', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    up.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    up.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await eventually(() => expect(out).toContain('dashboard: '), { timeoutMs: 30_000 });
  }, 60_000);

  afterAll(async () => {
    up?.kill('SIGKILL');
    await new Promise<void>((r) => (target ? target.close(() => r()) : r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('status prints the listener with its URL and the target with its health', async () => {
    const r = await run(['status'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`listener web ${listenerPort}/HTTP\\s+ok\\s+http://127\\.0\\.0\\.1:${listenerPort}/`));
    expect(r.stdout).toContain('group app (HTTP): 1 target');
    expect(r.stdout).toMatch(new RegExp(`127\\.0\\.0\\.1:${targetPort}\\s+unavailable\\s+Target\\.HealthCheckDisabled`));
    expect(r.stdout).toMatch(/docker NOT connected/);
  }, 30_000);

  // Each CLI run starts a Node process that compiles TypeScript on the fly: seconds on a busy machine.
  it('traffic lists the requests and applies each filter', async () => {
    expect(await request(listenerPort, '/hello?x=1', 'app.demo.localhost')).toBe(200);
    expect(await request(listenerPort, '/missing', 'other.localhost')).toBe(404);
    const all = await eventually(async () => {
      const r = await run(['traffic'], env);
      expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(2);
      return r;
    }, { timeoutMs: 30_000 });
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(new RegExp(`200 .* ${listenerPort}/HTTP\\s+GET app\\.demo\\.localhost/hello → 127\\.0\\.0\\.1:${targetPort} \\(rule 10\\)`));
    expect(all.stdout).toMatch(/404 .* GET other\.localhost\/missing → - \(rule default\)/);

    const notFound = await run(['traffic', '--status', '4xx'], env);
    expect(notFound.stdout.trim().split('\n')).toEqual([expect.stringContaining('other.localhost/missing')]);
    const byRule = await run(['traffic', '--rule', '10'], env);
    expect(byRule.stdout.trim().split('\n')).toEqual([expect.stringContaining('app.demo.localhost/hello')]);
    const byText = await run(['traffic', '--text', 'MISSING'], env);
    expect(byText.stdout.trim().split('\n')).toEqual([expect.stringContaining('other.localhost/missing')]);
    const byGroup = await run(['traffic', '--target-group', 'app', '-n', '1'], env);
    expect(byGroup.stdout.trim().split('\n')).toEqual([expect.stringContaining('app.demo.localhost/hello')]);
    const bad = await run(['traffic', '--status', '6xx'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--status: 6xx is not one of 2xx, 3xx, 4xx, 5xx, error');
  }, 180_000);

  it('traffic -f follows new requests through the same filter', async () => {
    const follow = spawn(process.execPath, [berth, 'traffic', '-f', '--status', '2xx', '-n', '1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let followed = '';
    follow.stdout.on('data', (d: Buffer) => (followed += d.toString()));
    try {
      // The one old record first, then only new 2xx ones.
      await eventually(() => expect(followed).toContain('/hello'), { timeoutMs: 30_000 });
      // The subscription is open once the first batch of old records is printed; keep sending until one arrives.
      await eventually(async () => {
        await request(listenerPort, '/followed', 'app.demo.localhost');
        await request(listenerPort, '/not-followed', 'nobody.localhost');
        expect(followed).toContain('app.demo.localhost/followed');
      }, { timeoutMs: 30_000, intervalMs: 250 });
      expect(followed).not.toContain('/not-followed');
    } finally {
      follow.kill('SIGKILL');
    }
  }, 90_000);

  it('without a running Berth, says where it looked', async () => {
    const empty = join(dir, 'empty');
    const r = await run(['status'], { ...env, BERTH_DATA_DIR: empty });
    expect(r.code).toBe(1);
    expect(existsSync(join(empty, 'control.json'))).toBe(false);
    expect(r.stderr).toMatch(/^berth: .*control\.json/);
  }, 30_000);
});
