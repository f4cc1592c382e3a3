// `npm start` where the desktop app cannot start (forced with BERTH_HEADLESS=1, so the test means the
// same on a machine that has Electron and a display): one line saying why, then the headless engine
// with the built dashboard and the control API answering with the printed token.
import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';
import { ensureRendererBuilt } from '../../e2e/renderer-build.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

describe('npm start where the desktop app cannot start', () => {
  beforeAll(() => ensureRendererBuilt(), 180_000);
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
    const child = spawn('npm', ['start', '--silent', '--', '-c', file], { cwd: repo, env: { ...process.env, BERTH_HEADLESS: '1', BERTH_DATA_DIR: dir, DOCKER_HOST: 'unix:///nonexistent.sock' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    await eventually(() => expect(out).toContain('dashboard: http://127.0.0.1:'), { timeoutMs: 30_000 });
    expect(err.split('\n').filter((l) => l.includes('desktop app cannot start here'))).toHaveLength(1);
    expect(err).toContain('berth: the desktop app cannot start here: BERTH_HEADLESS=1 is set; running headless instead.');
    const printed = /dashboard: (http:\/\/127\.0\.0\.1:\d+)\/[^\n]*\n\s+\1\/#token=(\S+)/.exec(out);
    expect(printed, out).not.toBeNull();
    const [, url, token] = printed!;
    expect(JSON.parse(readFileSync(join(dir, 'control.json'), 'utf8'))).toMatchObject({ url, token });
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<div id="root"></div>');
    expect(html).not.toContain('not built');
    const state = await fetch(`${url}/api/getState`, { headers: { authorization: `Bearer ${token}` } });
    expect(state.status).toBe(200);
    const body = (await state.json()) as { ok: boolean; result: { mode: string; loadBalancers: { name: string }[] } };
    expect(body.ok).toBe(true);
    expect(body.result.mode).toBe('file');
    expect(body.result.loadBalancers.map((lb) => lb.name)).toContain('web');
    expect((await fetch(`${url}/api/getState`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('hi');
    killGroup(child, 'SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await eventually(async () => expect(await fetch(`http://127.0.0.1:${port}/`).then(() => 'up', () => 'down')).toBe('down'));
  }, 90_000);
});
