// berth.yaml edited by hand while the dashboard is open, in Debian's Chromium against a real
// `berth up`: a broken save puts a banner on every screen and its problems in the Edit view until it
// is fixed; a target group and a comment added by hand survive a save made through the Edit view;
// the History tab brings back the hand-edited version byte for byte. Screens are photographed into
// test-results/screenshots/live-config-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/free-port.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { gotoSettled } from '../helpers/chromium.js';
import { ensureRendererBuilt } from './renderer-build.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const shots = join(root, 'test-results', 'screenshots');

function fetchText(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    }).on('error', reject);
  });
}

describe('berth.yaml edited by hand while the dashboard is open', () => {
  let dir: TempDir;
  let berth: ChildProcess;
  let browser: Browser;
  let page: Page;
  let app: Server;
  let port: number;
  let file: string;
  let output = '';

  const yaml = (extra = '') =>
    [
      '# edited by hand and from the dashboard',
      'loadBalancers:',
      '  - name: web',
      '    listeners:',
      `      - port: ${port}`,
      '        protocol: HTTP',
      '        defaultAction: { fixedResponse: { statusCode: 404, messageBody: no route } }',
      '        rules:',
      '          - priority: 10 # the app, by path',
      '            conditions: { pathPattern: ["/x/*"] }',
      '            action: { forward: app }',
      'targetGroups:',
      '  - name: app',
      '    protocol: HTTP',
      '    healthCheck: { enabled: false }',
      `    targets: { static: ["127.0.0.1:${(app.address() as { port: number }).port}"] }`,
      extra,
    ].join('\n');
  const shoot = (name: string) => page.screenshot({ path: join(shots, `live-config-${name}.png`), fullPage: false });
  const go = async (screen: string) => {
    await page.click(`nav >> text=${screen}`);
    await page.waitForSelector(`main[aria-label="${screen}"]`);
  };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    await ensureRendererBuilt();
    dir = await tempDir('berth-e2e-live-');
    app = createServer((_req, res) => res.end('from the app')).listen(0, '127.0.0.1');
    await new Promise((r) => app.once('listening', r));
    port = await freePort();
    file = join(dir.path, 'berth.yaml');
    writeFileSync(file, yaml());
    berth = spawn(process.execPath, [join(root, 'bin/berth.js'), 'up', '-c', file, '--data-dir', join(dir.path, 'data'), '--docker-host', `unix://${join(dir.path, 'no-docker.sock')}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    berth.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    berth.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const dashboardUrl = await eventually(
      () => {
        const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(output);
        if (!m) throw new Error(`no dashboard link yet:\n${output}`);
        return m[1]!;
      },
      { timeoutMs: 60_000 },
    );
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    page.on('pageerror', (err) => (output += `\n[page error] ${err.message}`));
    await gotoSettled(page, dashboardUrl);
    await page.waitForSelector('[data-testid="overview"]');
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    if (berth && berth.exitCode === null) {
      berth.kill('SIGINT');
      await new Promise((r) => berth.once('exit', r));
    }
    await new Promise<void>((r) => (app ? app.close(() => r()) : r()));
    await dir?.remove();
  }, 60_000);

  it('a broken save: a banner on every screen, the problems in the Edit view, the old config answering; fixing clears it', async () => {
    writeFileSync(file, yaml().replace(`port: ${port}`, 'port: 99999'));
    const banner = page.locator('[data-testid="config-banner"]');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.textContent()).toContain(`${file}:5:15  loadBalancers[0].listeners[0].port  a port is 1–65535, got 99999`);
    await shoot('banner-overview');
    await go('Traffic');
    await banner.waitFor();
    expect((await fetchText(port, '/x/1')).body).toBe('from the app');
    await go('Edit');
    const problems = page.locator('[data-testid="config-problems"]');
    await problems.waitFor();
    expect(await problems.textContent()).toContain(`${file}:5:15`);
    await shoot('banner-edit');

    writeFileSync(file, yaml());
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    expect(await problems.count()).toBe(0);
  }, 120_000);

  it('a target group and a comment added by hand survive a save from the Edit view, and the History tab restores the hand edit', async () => {
    const hand = yaml('  # a spare group, added by hand\n  - name: spare\n    protocol: HTTP\n');
    writeFileSync(file, hand);
    await go('Edit');
    await page.click('role=tab[name="Target groups"]');
    await page.locator('[data-testid="edit-group-spare"]').waitFor({ timeout: 30_000 });
    await page.click('role=tab[name="Rules"]');
    await page.click('button[aria-label="edit rule 10"]');
    await page.fill('input[aria-label="path pattern"]', '/y/*');
    await page.click('button:has-text("Save to berth.yaml")');
    await page.locator('text=Saved to').waitFor({ timeout: 30_000 });
    const saved = readFileSync(file, 'utf8');
    expect(saved).toBe(hand.replace('pathPattern: ["/x/*"]', 'pathPattern: [ "/y/*" ]'));
    await eventually(async () => expect((await fetchText(port, '/y/1')).body).toBe('from the app'));
    expect((await fetchText(port, '/x/1')).status).toBe(404);
    await shoot('saved');

    await page.click('role=tab[name="History"]');
    const rows = page.locator('[data-testid="config-history"] tbody tr');
    await eventually(async () => expect(await rows.nth(0).textContent()).toContain('dashboard'));
    expect(await rows.nth(1).textContent()).toContain('hand edit');
    expect(await rows.nth(1).textContent()).toContain('target group spare added');
    await shoot('history');
    await rows.nth(1).locator('button:has-text("Restore")').click();
    await eventually(() => expect(readFileSync(file, 'utf8')).toBe(hand));
    await eventually(async () => expect((await fetchText(port, '/x/1')).body).toBe('from the app'));
  }, 120_000);
});
