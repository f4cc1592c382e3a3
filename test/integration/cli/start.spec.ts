// `npm start` where Electron cannot start (no binary here): one line saying why, then the headless
// engine with a dashboard that a browser can reach.
import { afterAll, expect, it, describe } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

describe('npm start without an Electron binary', () => {
  const children: ReturnType<typeof spawn>[] = [];
  // npm runs berth in a child process: signal the whole group so nothing outlives the test.
  const killGroup = (c: ReturnType<typeof spawn>, signal: NodeJS.Signals) => {
    try {
      process.kill(-c.pid!, signal);
    } catch {
      // already gone
    }
  };
  afterAll(() => children.forEach((c) => killGroup(c, 'SIGKILL')));

  it('says why in one line and serves the dashboard headless', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-start-'));
    const port = await freePort();
    const file = join(dir, 'berth.yaml');
    writeFileSync(file, `loadBalancers:\n  - name: web\n    listeners:\n      - port: ${port}\n        protocol: HTTP\n        defaultAction: { fixedResponse: { statusCode: 200, messageBody: hi } }\n`);
    const child = spawn('npm', ['start', '--silent', '--', '-c', file], { cwd: repo, env: { ...process.env, BERTH_DATA_DIR: dir, DOCKER_HOST: 'unix:///nonexistent.sock' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    await eventually(() => expect(out).toContain('dashboard: http://127.0.0.1:'), { timeoutMs: 30_000 });
    expect(err.split('\n').filter((l) => l.includes('desktop app cannot start here'))).toHaveLength(1);
    expect(err).toMatch(/desktop app cannot start here: .+; running headless instead\./);
    const { url } = JSON.parse(readFileSync(join(dir, 'control.json'), 'utf8')) as { url: string };
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('hi');
    killGroup(child, 'SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await eventually(async () => expect(await fetch(`http://127.0.0.1:${port}/`).then(() => 'up', () => 'down')).toBe('down'));
  }, 60_000);
});
