// `berth up` as a user runs it, with each upstream client: it says which one carries requests to
// targets, serves a real request through it to a real target, refuses a BERTH_UPSTREAM_CLIENT it
// cannot honour, and under --pending-deprecation --throw-deprecation the native path still runs (no
// deprecation of the Node internal it uses is raised, or the process would have thrown).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get, createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';

const berth = fileURLToPath(new URL('../../../bin/berth.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'berth-upstream-client-'));
const children: ChildProcess[] = [];
let target: Server;
let targetPort: number;

beforeAll(async () => {
  target = createServer((req, res) => res.end(`target saw ${req.method} ${req.url}`)).listen(0, '127.0.0.1');
  await new Promise((r) => target.once('listening', r));
  targetPort = (target.address() as { port: number }).port;
});

afterAll(async () => {
  children.forEach((c) => c.kill('SIGKILL'));
  await new Promise<void>((r) => target.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

function fetchText(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    }).on('error', reject);
  });
}

/** Starts `berth up` in front of the target with `setting` in BERTH_UPSTREAM_CLIENT; returns its port and output so far. */
async function up(name: string, setting: string | undefined, nodeFlags: string[] = []): Promise<{ port: number; out: () => string }> {
  const port = await freePort();
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      'loadBalancers:',
      '  - name: web',
      '    listeners:',
      `      - port: ${port}`,
      '        protocol: HTTP',
      '        defaultAction: { forward: app }',
      'targetGroups:',
      '  - name: app',
      '    protocol: HTTP',
      '    healthCheck: { enabled: false }',
      '    targets:',
      `      static: ["127.0.0.1:${targetPort}"]`,
      '',
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, BERTH_DATA_DIR: join(dir, name), DOCKER_HOST: `unix://${join(dir, 'no-docker.sock')}` };
  delete env.BERTH_UPSTREAM_CLIENT;
  if (setting !== undefined) env.BERTH_UPSTREAM_CLIENT = setting;
  const child = spawn(process.execPath, [...nodeFlags, berth, 'up', '-c', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  child.once('exit', (code) => (out += `\n[exited ${code}]`));
  await eventually(() => expect(out).toContain(`listening web ${port}/HTTP`), { timeoutMs: 30_000 });
  return { port, out: () => out };
}

describe('berth up and its upstream client', () => {
  it('uses the native client by default, and says so', async () => {
    const { port, out } = await up('default', undefined);
    expect(out()).toMatch(/upstream client: native \(llhttp through Node\.js v\d+\.\d+\.\d+'s own parser binding\)/);
    expect(await fetchText(port, '/a//b/../c?x=%2F')).toEqual({ status: 200, body: 'target saw GET /a//b/../c?x=%2F' });
  }, 60_000);

  it('uses undici when BERTH_UPSTREAM_CLIENT=undici, and serves through it', async () => {
    const { port, out } = await up('undici', 'undici');
    expect(out()).toMatch(/upstream client: undici \d+\.\d+\.\d+ \(BERTH_UPSTREAM_CLIENT=undici\)/);
    for (let i = 0; i < 3; i++) expect(await fetchText(port, `/n/${i}//x?y=%2F`)).toEqual({ status: 200, body: `target saw GET /n/${i}//x?y=%2F` });
  }, 60_000);

  it('runs the native path with deprecations thrown, so no deprecated internal is touched', async () => {
    const { port, out } = await up('deprecations', 'native', ['--pending-deprecation', '--throw-deprecation']);
    expect(out()).toContain('upstream client: native');
    expect(await fetchText(port, '/strict')).toEqual({ status: 200, body: 'target saw GET /strict' });
    expect(out()).not.toContain('DeprecationWarning');
  }, 60_000);

  it('refuses a setting it does not know, naming the variable', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, BERTH_DATA_DIR: join(dir, 'bad'), BERTH_UPSTREAM_CLIENT: 'fast' };
    const r = spawnSync(process.execPath, [berth, 'up'], { env, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('berth up: BERTH_UPSTREAM_CLIENT must be "native", "undici" or "auto", not "fast"');
  }, 60_000);
});
