// The `berth` command as a user runs it: validate's exit codes and output, `up` printing targets
// as containers come and go and stopping cleanly on SIGINT, `targets` printing the table.
import { afterAll, expect, it, describe } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeDocker, runId, startContainer, testDockerHost } from '../../helpers/docker.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';
import { exampleConfigPaths } from '../../helpers/example-config.js';

const berth = fileURLToPath(new URL('../../../bin/berth.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'berth-cli-'));

describe('berth validate', () => {
  it('exits 0 with a one-line summary for the example config', () => {
    const example = exampleConfigPaths()[0]!;
    const r = spawnSync(process.execPath, [berth, 'validate', '-c', example], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/ is valid: 2 load balancers, 4 listeners, 3 rules, 5 target groups$/);
  });

  it('exits 1 and prints every problem as FILE:LINE:COL  path  message', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'loadBalancers:\n  - name: web\n    listeners:\n      - port: 99999\n        protocol: HTTP\n        defaultAction: { forward: users }\n        rules:\n          - prioirty: 1\n');
    const r = spawnSync(process.execPath, [berth, 'validate', '-c', file], { encoding: 'utf8', cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(
      expect.arrayContaining([
        `${file}:4:15  loadBalancers[0].listeners[0].port  a port is 1–65535, got 99999`,
        `${file}:8:13  loadBalancers[0].listeners[0].rules[0].prioirty  unknown key "prioirty" — did you mean "priority"?`,
      ]),
    );
  });

  it('names a missing file', () => {
    const r = spawnSync(process.execPath, [berth, 'validate', '-c', join(dir, 'nope.yaml')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('nope.yaml:1:1  (file)  no such file');
  });
});

describeDocker('berth up and berth targets', () => {
  const children: ReturnType<typeof spawn>[] = [];
  afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

  it('prints targets as containers come and go, and stops cleanly on SIGINT', async () => {
    const port = await freePort();
    const label = `t.cli.${runId}`;
    const file = join(dir, 'berth.yaml');
    writeFileSync(file, `loadBalancers:\n  - name: web\n    listeners:\n      - port: ${port}\n        protocol: HTTP\n        defaultAction: { forward: app }\ntargetGroups:\n  - name: app\n    protocol: HTTP\n    targets:\n      docker: { labels: { ${label}: "1" }, containerPort: 8081 }\n`);
    const child = spawn(process.execPath, [berth, 'up', '-c', file, '--data-dir', dir, '--docker-host', testDockerHost()], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await eventually(() => expect(out).toContain(`listening web ${port}/HTTP`), { timeoutMs: 60_000 });
    const c = await startContainer({ labels: { [label]: '1' } });
    await eventually(() => expect(out).toContain(`app: 1 target  ${c.name}:${c.hostPort()}`), { timeoutMs: 30_000 });
    const table = spawnSync(process.execPath, [berth, 'targets', '-c', file, '--docker-host', testDockerHost()], { encoding: 'utf8' });
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`app\\s+${c.name}:${c.hostPort()}\\s+127\\.0\\.0\\.1:${c.hostPort()}\\s+docker\\s+${c.name}\\s+running`));
    await c.stop();
    await eventually(() => expect(out).toContain('app: 0 targets'), { timeoutMs: 30_000 });
    child.kill('SIGINT');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
    expect(out).toContain('SIGINT: stopping');
  }, 180_000);

  it('starts without Docker and says where it looked', async () => {
    const port = await freePort();
    const file = join(dir, 'static.yaml');
    writeFileSync(file, `loadBalancers:\n  - name: web\n    listeners:\n      - port: ${port}\n        protocol: HTTP\n        defaultAction: { fixedResponse: { statusCode: 200, messageBody: up } }\n`);
    const child = spawn(process.execPath, [berth, 'up', '-c', file, '--data-dir', dir, '--docker-host', 'unix:///nonexistent/docker.sock'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await eventually(() => expect(out).toContain('docker: cannot reach Docker at unix:///nonexistent/docker.sock (from --docker-host)'), { timeoutMs: 60_000 });
    await eventually(() => expect(out).toMatch(/looked at:\n +--docker-host: unix:\/\/\/nonexistent\/docker\.sock\n +fix: start Docker, or .*DOCKER_HOST.*--docker-host.*docker context use/), { timeoutMs: 60_000 });
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(await res.text()).toBe('up');
    child.kill('SIGTERM');
    expect(await new Promise((r) => child.once('exit', r))).toBe(0);
  }, 120_000);

  it('lists every place it looked when the docker context it found is unreachable', async () => {
    const port = await freePort();
    const file = join(dir, 'static-context.yaml');
    writeFileSync(file, `loadBalancers:\n  - name: web\n    listeners:\n      - port: ${port}\n        protocol: HTTP\n        defaultAction: { fixedResponse: { statusCode: 200, messageBody: up } }\n`);
    // A Docker CLI config whose current context points at an engine that is not running.
    const dockerConfig = mkdtempSync(join(tmpdir(), 'berth-docker-config-'));
    const meta = join(dockerConfig, 'contexts', 'meta', createHash('sha256').update('colima').digest('hex'));
    mkdirSync(meta, { recursive: true });
    writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ currentContext: 'colima' }));
    writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: 'colima', Endpoints: { docker: { Host: 'unix:///nonexistent/colima/docker.sock' } } }));
    const { DOCKER_HOST: _host, DOCKER_CONTEXT: _context, ...env } = process.env;
    const child = spawn(process.execPath, [berth, 'up', '-c', file, '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, DOCKER_CONFIG: dockerConfig } });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await eventually(() => expect(out).toContain('fix: start Docker'), { timeoutMs: 60_000 });
    const looked = out.slice(out.indexOf('looked at:\n') + 'looked at:\n'.length, out.indexOf('  fix:')).split('\n').filter(Boolean).map((l) => l.trim());
    expect(looked).toEqual([
      '--docker-host: not given',
      'DOCKER_HOST: not set',
      `${join(dockerConfig, 'config.json')}: currentContext "colima"`,
      `${join(meta, 'meta.json')}: unix:///nonexistent/colima/docker.sock`,
    ]);
    expect(out).toContain('docker context use');
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('up');
    child.kill('SIGTERM');
    expect(await new Promise((r) => child.once('exit', r))).toBe(0);
  }, 120_000);
});
