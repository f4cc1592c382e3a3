// `berth up` as a user runs it, for the ELBv2 feature tests: a berth.yaml written to a temp folder,
// the real CLI in a child process against the test Docker engine, and its control API for state.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { EngineState } from '../../../shared/model/index.js';
import { testDockerHost } from '../../helpers/docker.js';
import { eventually } from '../../helpers/eventually.js';

export const berthBin = fileURLToPath(new URL('../../../bin/berth.js', import.meta.url));

export interface BerthUp {
  dir: string;
  dataDir: string;
  /** stdout and stderr so far. */
  output(): string;
  state(): Promise<EngineState>;
  /** Calls a control-API method. */
  call<T>(method: string, input?: unknown): Promise<T>;
  /** Runs another berth command against the same data folder and Docker engine. */
  run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

/** Starts `berth up -c <dir>/berth.yaml` and resolves once its control API answers. */
export async function berthUp(yaml: string, options: { files?: Record<string, string | Buffer> } = {}): Promise<BerthUp> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-elbv2-'));
  const dataDir = join(dir, 'data');
  const file = join(dir, 'berth.yaml');
  writeFileSync(file, yaml);
  for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), content);
  const env = { ...process.env, BERTH_DATA_DIR: dataDir, DOCKER_HOST: testDockerHost() };
  const child: ChildProcess = spawn(process.execPath, [berthBin, 'up', '-c', file], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await eventually(() => {
    expect(child.exitCode, out).toBeNull();
    expect(out).toContain('dashboard: ');
  }, { timeoutMs: 60_000 });
  const control = JSON.parse(readFileSync(join(dataDir, 'control.json'), 'utf8')) as { url: string; token: string };
  const call = async <T>(method: string, input?: unknown): Promise<T> => {
    const res = await fetch(`${control.url}/api/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${control.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input ?? {}),
    });
    const body = (await res.json()) as { ok: boolean; result?: T; error?: { message: string } };
    if (!body.ok) throw new Error(`${method}: ${body.error?.message ?? res.status}`);
    return body.result as T;
  };
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const c = spawn(process.execPath, [berthBin, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      c.once('exit', (code) => resolve({ code, stdout, stderr }));
    });
  return {
    dir,
    dataDir,
    output: () => out,
    state: () => call<EngineState>('getState'),
    call,
    run,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
