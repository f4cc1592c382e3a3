// HTTPS listeners speak HTTP/2 and HTTP/1.1 on one port, chosen by ALPN, as an ALB does: `berth up`
// with a real container behind it, curl verifying TLS against Berth's own CA, a WebSocket over
// HTTP/1.1 on the same port, `http2Enabled: false` forcing HTTP/1.1, and Chromium loading over h2.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import http2 from 'node:http2';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TrafficRecord } from '../../../shared/model/index.js';
import { startBerthUp, type BerthUp } from '../../helpers/berth-up.js';
import { gotoSettled } from '../../helpers/chromium.js';
import { describeDocker, runId, startContainer, testDockerHost, type TestContainer } from '../../helpers/docker.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';

const run = promisify(execFile);
const HOST = 'app.h2.localhost';

describeDocker('HTTP/2 on HTTPS listeners (berth up)', () => {
  let berth: BerthUp;
  let web: TestContainer;
  let port: number;
  let plainPort: number;

  /** curl against Berth, TLS verified with Berth's CA; prints the negotiated version and the body. */
  async function curl(listenerPort: number, version: '--http2' | '--http1.1', path = '/hello'): Promise<{ version: string; body: string }> {
    const { stdout } = await run('curl', ['-sS', '--max-time', '10', version, '--cacert', berth.caFile, '--resolve', `${HOST}:${listenerPort}:127.0.0.1`, '-w', '\n%{http_version}', `https://${HOST}:${listenerPort}${path}`]);
    const at = stdout.lastIndexOf('\n');
    return { body: stdout.slice(0, at), version: stdout.slice(at + 1) };
  }

  beforeAll(async () => {
    const label = { [`t.h2.${runId}`]: 'web' };
    web = await startContainer({ labels: label });
    await web.serving();
    [port, plainPort] = [await freePort(), await freePort()];
    const listener = (p: number) => [
      `      - port: ${p}`,
      '        protocol: HTTPS',
      '        certificates: auto',
      '        defaultAction: { fixedResponse: { statusCode: 404, messageBody: no route } }',
      '        rules:',
      '          - priority: 1',
      `            conditions: { hostHeader: [${HOST}] }`,
      '            action: { forward: web }',
    ];
    const yaml = [
      'loadBalancers:',
      '  - name: edge',
      '    listeners:',
      ...listener(port),
      '  - name: old',
      '    http2Enabled: false',
      '    listeners:',
      ...listener(plainPort),
      'targetGroups:',
      '  - name: web',
      '    protocol: HTTP',
      '    healthCheck: { path: /health, intervalSeconds: 5, timeoutSeconds: 2 }',
      '    targets:',
      `      docker: { labels: { t.h2.${runId}: web }, containerPort: 8081 }`,
      '',
    ].join('\n');
    berth = await startBerthUp(yaml, { DOCKER_HOST: testDockerHost(0) });
    await eventually(async () => expect((await curl(port, '--http1.1')).body).toContain(web.name), { timeoutMs: 30_000 });
  }, 120_000);

  afterAll(async () => {
    await berth?.stop();
  }, 30_000);

  it('negotiates h2 with curl --http2 and still serves --http1.1 on the same port, both verified against the CA', async () => {
    const h2 = await curl(port, '--http2', '/over-h2?x=1');
    expect(h2.version).toBe('2');
    const echo = JSON.parse(h2.body) as { name: string; path: string; headers: Record<string, string> };
    expect(echo.name).toBe(web.name);
    expect(echo.path).toBe('/over-h2');
    // Converted to HTTP/1.1 for an HTTP1 group: :authority became Host, with the listener's port as AWS adds it.
    expect(echo.headers.host).toBe(`${HOST}:${port}`);
    expect(echo.headers['x-forwarded-proto']).toBe('https');
    expect(echo.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    const h1 = await curl(port, '--http1.1', '/over-h1');
    expect(h1.version).toBe('1.1');
    expect((JSON.parse(h1.body) as { path: string }).path).toBe('/over-h1');
  });

  it('allows 128 concurrent streams per connection, as AWS does', async () => {
    const session = http2.connect(`https://127.0.0.1:${port}`, { ca: readFileSync(berth.caFile), servername: HOST });
    try {
      const settings = await new Promise<http2.Settings>((resolve, reject) => session.once('remoteSettings', resolve).once('error', reject));
      expect(settings.maxConcurrentStreams).toBe(128);
      expect(settings.enablePush).toBe(false);
    } finally {
      session.close();
    }
  });

  it('records the protocol of each request, and HAR and access logs show HTTP/2.0', async () => {
    await curl(port, '--http2', '/recorded-h2');
    await curl(port, '--http1.1', '/recorded-h1');
    const records = await eventually(async () => {
      const { records } = await berth.call<{ records: TrafficRecord[] }>('getTraffic', { text: 'recorded' });
      expect(records).toHaveLength(2);
      return records;
    });
    const byPath = Object.fromEntries(records.map((r) => [r.path, r]));
    expect(byPath['/recorded-h2']).toMatchObject({ protocol: 'HTTP/2.0', status: 200, host: `${HOST}:${port}`, rule: '1', targetGroup: 'web' });
    expect(byPath['/recorded-h1']).toMatchObject({ protocol: 'HTTP/1.1', status: 200 });
    // HTTP/2 streams share a connection: each record counts its own bytes, not the connection's.
    expect(byPath['/recorded-h2']!.bytesOut).toBeGreaterThan(100);
    expect(byPath['/recorded-h2']!.bytesOut).toBeLessThan(4000);
    const har = JSON.parse((await berth.call<{ text: string }>('exportTraffic', { format: 'har', text: 'recorded' })).text) as { log: { entries: { request: { url: string; httpVersion: string }; response: { httpVersion: string } }[] } };
    const entry = har.log.entries.find((e) => e.request.url.includes('/recorded-h2'))!;
    expect(entry.request.httpVersion).toBe('HTTP/2.0');
    expect(entry.response.httpVersion).toBe('HTTP/2.0');
    const log = (await berth.call<{ text: string }>('exportTraffic', { format: 'access-log', text: 'recorded-h2' })).text;
    expect(log).toMatch(/^h2 /);
    expect(log).toContain('/recorded-h2 HTTP/2.0"');
  });

  it('keeps WebSocket upgrades working over HTTP/1.1 on the same listener', async () => {
    const ca = readFileSync(berth.caFile);
    // ws offers no ALPN, as browsers do for WebSockets: the listener's HTTP/1.1 side answers.
    const ws = new WebSocket(`wss://127.0.0.1:${port}/socket`, { ca, headers: { host: `${HOST}:${port}` }, ...({ servername: HOST } as object) });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const reply = new Promise<string>((resolve) => ws.once('message', (m: Buffer) => resolve(m.toString())));
    ws.send('through berth');
    expect(await reply).toBe('through berth');
    ws.close();
  });

  it('survives a rapid-reset flood (CVE-2023-44487 pattern): other connections stay served', async () => {
    const attacker = http2.connect(`https://127.0.0.1:${port}`, { ca: readFileSync(berth.caFile), servername: HOST });
    attacker.on('error', () => {});
    await new Promise((resolve) => attacker.once('remoteSettings', resolve));
    let sent = 0;
    for (; sent < 5_000 && !attacker.destroyed && !attacker.closed; sent++) {
      const stream = attacker.request({ ':path': `/flood-${sent}`, ':authority': `${HOST}:${port}` });
      stream.on('error', () => {});
      stream.close(http2.constants.NGHTTP2_CANCEL);
    }
    // Bounded by Node's own limits: the flooding session is told to go away or cut, or its resets
    // are served like cancelled requests; either way Berth answers others at once.
    const other = await curl(port, '--http2', '/after-flood');
    expect(other.version).toBe('2');
    expect((JSON.parse(other.body) as { path: string }).path).toBe('/after-flood');
    attacker.destroy();
    expect(sent).toBeGreaterThan(0);
  }, 60_000);

  it('offers only HTTP/1.1 when the load balancer has http2Enabled: false', async () => {
    const r = await curl(plainPort, '--http2');
    expect(r.version).toBe('1.1');
    expect(r.body).toContain(web.name);
  });

  const chromiumMissing = !existsSync('/usr/bin/chromium') || !existsSync('/usr/bin/certutil');
  it.skipIf(chromiumMissing && process.env.CI !== 'true')('Chromium loads a page over h2 through Berth, the root trusted in its NSS database', async () => {
    const home = join(berth.dir, 'home');
    const db = join(home, '.pki', 'nssdb');
    mkdirSync(db, { recursive: true });
    expect(spawnSync('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']).status).toBe(0);
    expect(spawnSync('certutil', ['-A', '-d', `sql:${db}`, '-t', 'C,,', '-n', 'berth test root', '-i', berth.caFile]).status).toBe(0);
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'], env: { ...process.env, HOME: home }, timeout: 60_000 });
    try {
      const page = await browser.newPage();
      const response = await gotoSettled(page, `https://${HOST}:${port}/page`, { timeout: 20_000 });
      expect(response?.status()).toBe(200);
      expect(await page.evaluate(() => (performance.getEntries()[0] as PerformanceNavigationTiming).nextHopProtocol)).toBe('h2');
      expect(await page.innerText('body')).toContain(web.name);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
