// The dashboard's Export HAR as a person uses it, in Chromium against a real `berth up` and container:
// the downloaded file shows `[redacted]` for credentials and cookies, and keeps them only when the
// "keep credentials" box is ticked.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describeDocker, runId, startContainer, testDockerHost } from '../helpers/docker.js';
import { startBerthUp, type BerthUp } from '../helpers/berth-up-process.js';
import { freePort } from '../helpers/free-port.js';
import { gotoSettled } from '../helpers/chromium.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { ensureRendererBuilt } from './renderer-build.js';

type HarHeader = { name: string; value: string };
type Har = { log: { entries: { request: { headers: HarHeader[] }; response: { headers: HarHeader[] } }[] } };

describeDocker('Export HAR in the dashboard', () => {
  let dir: TempDir;
  let up: BerthUp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await ensureRendererBuilt();
    dir = await tempDir('berth-har-e2e-');
    const label = `t.har.${runId}`;
    const container = await startContainer({ labels: { [label]: '1' } });
    await container.serving();
    const port = await freePort();
    const config = join(dir.path, 'berth.yaml');
    writeFileSync(
      config,
      [
        'loadBalancers:',
        '  - name: web',
        '    listeners:',
        `      - { port: ${port}, protocol: HTTP, defaultAction: { forward: app } }`,
        'targetGroups:',
        '  - name: app',
        '    protocol: HTTP',
        '    healthCheck: { enabled: false }',
        `    targets: { docker: { labels: { ${label}: "1" }, containerPort: 8081 } }`,
        '',
      ].join('\n'),
    );
    up = startBerthUp({ config, dataDir: join(dir.path, 'data'), dockerHost: testDockerHost() });
    await up.waitFor(`app: 1 target  ${container.name}:${container.hostPort()}`, 60_000);
    await up.waitFor(/#token=\S+/);
    await new Promise<void>((resolve, reject) => {
      const headers = { host: 'app.localhost', authorization: 'Bearer e2e-t0ken', cookie: 'sid=e2e-c00kie' };
      request({ host: '127.0.0.1', port, path: '/__set-cookie', headers, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      })
        .on('error', reject)
        .end();
    });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ acceptDownloads: true });
    await gotoSettled(page, /(http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(up.output())![1]!);
    await page.click('nav >> text=Traffic');
    await page.waitForSelector('main[aria-label="Traffic"] >> text=/__set-cookie');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await up?.stop();
    await dir?.remove();
  }, 30_000);

  const exportHar = async (): Promise<Har> => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Export HAR")')]);
    const file = join(dir.path, download.suggestedFilename());
    await download.saveAs(file);
    return JSON.parse(readFileSync(file, 'utf8')) as Har;
  };
  const value = (headers: HarHeader[], name: string) => headers.filter((h) => h.name === name).map((h) => h.value);

  it('downloads a HAR with credentials and cookies redacted', async () => {
    const [entry] = (await exportHar()).log.entries;
    expect(value(entry!.request.headers, 'authorization')).toEqual(['[redacted]']);
    expect(value(entry!.request.headers, 'cookie')).toEqual(['[redacted]']);
    expect(value(entry!.response.headers, 'set-cookie')).toEqual(['[redacted]', '[redacted]']);
    expect(value(entry!.request.headers, 'host')).toEqual(['app.localhost']);
  }, 30_000);

  it('keeps them when "keep credentials" is ticked', async () => {
    await page.check('label:has-text("keep credentials") >> input[type=checkbox]');
    const [entry] = (await exportHar()).log.entries;
    expect(value(entry!.request.headers, 'authorization')).toEqual(['Bearer e2e-t0ken']);
    expect(value(entry!.request.headers, 'cookie')).toEqual(['sid=e2e-c00kie']);
    expect(value(entry!.response.headers, 'set-cookie')).toEqual(['session=s3t-c00kie-from-target; HttpOnly', 'theme=s3t-c00kie-from-target-2']);
  }, 30_000);
});
