// `berth up` as a user runs it: a child process with a berth.yaml in a temporary folder and its own
// data folder (so its own CA), talking to the test Docker engine; the control API is found through
// control.json, as the CLI finds it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BERTH = fileURLToPath(new URL('../../bin/berth.js', import.meta.url));

export interface BerthUp {
  dir: string;
  /** Berth's root certificate (PEM file), to verify its HTTPS listeners against. */
  caFile: string;
  /** Everything it printed so far. */
  output(): string;
  /** Calls a control API method (POST with a JSON body) and returns its result. */
  call<T>(method: string, input?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export async function startBerthUp(yaml: string, env: NodeJS.ProcessEnv = {}): Promise<BerthUp> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-up-'));
  const file = join(dir, 'berth.yaml');
  const dataDir = join(dir, 'data');
  writeFileSync(file, yaml);
  const child: ChildProcess = spawn(process.execPath, [BERTH, 'up', '-c', file], { env: { ...process.env, BERTH_DATA_DIR: dataDir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`berth up did not start within 60 s:\n${out}`)), 60_000);
    const check = () => {
      if (!out.includes('dashboard: ')) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`berth up exited (${code}):\n${out}`));
    });
  });
  try {
    await ready;
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const control = JSON.parse(readFileSync(join(dataDir, 'control.json'), 'utf8')) as { url: string; token: string };
  return {
    dir,
    caFile: join(dataDir, 'ca', 'root.pem'),
    output: () => out,
    async call<T>(method: string, input: unknown = {}): Promise<T> {
      const res = await fetch(`${control.url}/api/${method}`, { method: 'POST', headers: { authorization: `Bearer ${control.token}`, 'content-type': 'application/json' }, body: JSON.stringify(input) });
      const body = (await res.json()) as { ok: boolean; result?: T; error?: unknown };
      if (!body.ok) throw new Error(`${method} failed: ${JSON.stringify(body.error)}`);
      return body.result as T;
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
