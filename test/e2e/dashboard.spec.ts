// The dashboard as a person uses it: a real headless `berth up` with real containers, driven in
// Debian's Chromium. Containers appear with their URLs, curl's requests appear in the traffic view
// with the right target, the listener switch stops and restarts traffic, a rule edited in the UI
// reroutes and lands in berth.yaml (comments kept), the route tester names the matching rule, the
// Certificates screen lists a certificate an HTTPS request minted, and the Export screen reads its
// own CloudFormation back in the Import pane. A network load balancer carries TCP connections and
// UDP datagrams sent from the test to echo containers, shown with their URLs and targets in the
// overview and in the TCP / TLS / UDP traffic tab. Every screen is photographed into
// test-results/screenshots/.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describeDocker, runId, startContainer, testDockerHost, type TestContainer } from '../helpers/docker.js';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/free-port.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { ensureRendererBuilt } from './renderer-build.js';
import { gotoSettled } from '../helpers/chromium.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const shots = join(root, 'test-results', 'screenshots');

describeDocker('dashboard (berth up + Chromium)', () => {
  let dir: TempDir;
  let berth: ChildProcess;
  let browser: Browser;
  let page: Page;
  let port: number;
  let httpsPort: number;
  let configFile: string;
  let app: TestContainer;
  let api: TestContainer;
  let tcpEcho: TestContainer;
  let udpEcho: TestContainer;
  let tcpPort: number;
  let udpPort: number;
  let output = '';
  const label = `t.e2e.${runId}`;

  const curl = (path: string, host?: string) => {
    const args = ['-s', '-o', '-', '-w', '\n%{http_code}', '--max-time', '3'];
    if (host) args.push('--resolve', `${host}:${port}:127.0.0.1`);
    const r = spawnSync('curl', [...args, `http://${host ?? '127.0.0.1'}:${port}${path}`], { encoding: 'utf8' });
    const lines = r.stdout.trimEnd().split('\n');
    return { status: Number(lines.pop()), body: lines.join('\n') };
  };
  const shoot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
  const go = async (screen: string) => {
    await page.click(`nav >> text=${screen}`);
    await page.waitForSelector(`main[aria-label="${screen}"]`);
  };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    await ensureRendererBuilt();
    dir = await tempDir('berth-e2e-');
    port = await freePort();
    httpsPort = await freePort();
    tcpPort = await freePort();
    udpPort = await freePort('udp');
    const control = await freePort();
    configFile = join(dir.path, 'berth.yaml');
    writeFileSync(
      configFile,
      [
        '# Berth e2e: these comments must survive edits made in the dashboard',
        'loadBalancers:',
        '  - name: web',
        '    listeners:',
        `      - port: ${port}`,
        '        protocol: HTTP',
        '        defaultAction: { fixedResponse: { statusCode: 404, messageBody: no route } }',
        '        rules:',
        '          - priority: 10 # the app by its host name',
        '            conditions: { hostHeader: [app.localhost] }',
        '            action: { forward: app }',
        '          - priority: 20',
        '            conditions: { pathPattern: ["/api/*"] }',
        '            action: { forward: api }',
        '  - name: secure',
        '    listeners:',
        `      - port: ${httpsPort}`,
        '        protocol: HTTPS',
        '        certificates: auto',
        '        defaultAction: { forward: app }',
        '  - name: edge',
        '    type: network',
        '    listeners:',
        `      - port: ${tcpPort}`,
        '        protocol: TCP',
        '        defaultAction: { forward: echo-tcp }',
        `      - port: ${udpPort}`,
        '        protocol: UDP',
        '        udpIdleTimeoutSeconds: 2 # flows are recorded when they go idle',
        '        defaultAction: { forward: echo-udp }',
        'targetGroups:',
        '  - name: app',
        '    protocol: HTTP',
        '    healthCheck: { path: /health, intervalSeconds: 5, timeoutSeconds: 2, healthyThresholdCount: 2 }',
        `    targets: { docker: { labels: { ${label}: app }, containerPort: 8081 } }`,
        '  - name: api',
        '    protocol: HTTP',
        '    healthCheck: { path: /health, intervalSeconds: 5, timeoutSeconds: 2, healthyThresholdCount: 2 }',
        `    targets: { docker: { labels: { ${label}: api }, containerPort: 8081 } }`,
        '  - name: echo-tcp',
        '    protocol: TCP',
        '    healthCheck: { intervalSeconds: 5, timeoutSeconds: 2, healthyThresholdCount: 2 }',
        `    targets: { docker: { labels: { ${label}: tcp }, containerPort: 8081 } }`,
        '  - name: echo-udp',
        '    protocol: UDP',
        '    healthCheck: { enabled: false } # a udp-echo container has no TCP port to check',
        `    targets: { docker: { labels: { ${label}: udp }, containerPort: 8081, protocol: udp } }`,
        '',
      ].join('\n'),
    );
    [api, tcpEcho, udpEcho] = await Promise.all([
      startContainer({ name: `e2e-api-${runId}`, labels: { [label]: 'api' } }),
      startContainer({ name: `e2e-tcp-${runId}`, server: 'tcp-echo', labels: { [label]: 'tcp' } }),
      startContainer({ name: `e2e-udp-${runId}`, server: 'udp-echo', ports: ['8081/udp'], labels: { [label]: 'udp' } }),
    ]);
    await api.serving();
    berth = spawn(process.execPath, [join(root, 'bin/berth.js'), 'up', '-c', configFile, '--data-dir', dir.path, '--control', `127.0.0.1:${control}`, '--docker-host', testDockerHost()], { stdio: ['ignore', 'pipe', 'pipe'] });
    berth.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    berth.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const dashboardUrl = await eventually(
      () => {
        const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(output);
        if (!m) throw new Error(`no dashboard link yet:\n${output}`);
        return m[1]!;
      },
      { timeoutMs: 30_000 },
    );
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    page.on('pageerror', (err) => (output += `\n[page error] ${err.message}`));
    await gotoSettled(page, dashboardUrl);
    await page.waitForSelector('[data-testid="overview"]');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (berth && berth.exitCode === null) {
      berth.kill('SIGINT');
      await new Promise((r) => berth.once('exit', r));
    }
    await dir?.remove();
  }, 60_000);

  it('takes the token out of the address bar and keeps it for this tab', async () => {
    expect(page.url()).not.toContain('token');
    expect(await page.evaluate('sessionStorage.getItem("berth.token")')).toMatch(/^[\w-]{20,}$/);
    await page.reload();
    await page.waitForSelector('[data-testid="overview"]');
    await shoot('overview-light');
  });

  it('shows a container started during the test with its URL', async () => {
    await go('Containers');
    app = await startContainer({ name: `e2e-app-${runId}`, labels: { [label]: 'app' } });
    // The curls of the next test need the server inside to be up, not just the container.
    await app.serving();
    const row = page.locator(`[data-testid="container-${app.name}"]`);
    await row.waitFor({ timeout: 15_000 });
    await eventually(async () => expect(await row.textContent()).toContain(`http://app.localhost:${port}/`), { timeoutMs: 15_000 });
    expect(await row.textContent()).toContain(`8081/tcp → 127.0.0.1:${app.hostPort()}`);
    expect(await row.textContent()).toContain('app');
    await shoot('containers');
  });

  it('shows requests sent with curl in the traffic view, with the right target and rule', async () => {
    await go('Traffic');
    for (let i = 0; i < 5; i++) expect(curl(`/e2e/hello-${i}`, 'app.localhost').status).toBe(200);
    expect(curl('/api/users').status).toBe(200);
    expect(curl('/nowhere').status).toBe(404);
    await page.locator('[data-testid="traffic-row"]', { hasText: '/nowhere' }).waitFor({ timeout: 10_000 });
    // Pause following, as a person would before reading: rows then stay where they are.
    await page.click('button:has-text("Following")');
    const row = page.locator('[data-testid="traffic-row"]', { hasText: '/e2e/hello-4' });
    expect(await row.textContent()).toContain(`${app.name}:${app.hostPort()}`);
    expect(await page.locator('[data-testid="traffic-row"]', { hasText: '/api/users' }).textContent()).toContain(`${api.name}:${api.hostPort()}`);
    await row.click();
    const detail = page.locator('[data-testid="traffic-detail"]');
    expect(await detail.locator('[data-testid="detail-rule"]').textContent()).toMatch(/Rule 10 matched: host is "app.localhost" → forward to app/);
    // Keyboard (newest first): the row above is the later /api/users request.
    await page.keyboard.press('ArrowUp');
    await eventually(async () => expect(await detail.textContent()).toContain('/api/users'));
    await shoot('traffic');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shoot('traffic-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('carries TCP connections and UDP datagrams, shown on the overview and in the TCP / TLS / UDP tab', async () => {
    const tcpTarget = `${tcpEcho.name}:${tcpEcho.hostPort()}`;
    const udpTarget = `${udpEcho.name}:${udpEcho.hostPort('8081/udp')}`;
    await go('Overview');
    const tcpListener = page.locator(`[data-testid="listener-edge-${tcpPort}/TCP"]`);
    const udpListener = page.locator(`[data-testid="listener-edge-${udpPort}/UDP"]`);
    await tcpListener.locator(`[data-testid="target-${tcpTarget}"]`).waitFor({ timeout: 15_000 });
    await udpListener.locator(`[data-testid="target-${udpTarget}"]`).waitFor({ timeout: 15_000 });
    expect(await tcpListener.locator('[data-testid="listener-url"]').textContent()).toContain(`tcp://127.0.0.1:${tcpPort}`);
    expect(await udpListener.locator('[data-testid="listener-url"]').textContent()).toContain(`udp://127.0.0.1:${udpPort}`);
    expect(await tcpListener.locator('tbody tr').last().textContent()).toMatch(/every connection.*forward to echo-tcp/);
    expect(await udpListener.locator('tbody tr').last().textContent()).toMatch(/every flow.*forward to echo-udp/);
    expect(await udpListener.locator('[data-testid="group-echo-udp"]').textContent()).toContain('UDP · 1 target, health checks off');
    await eventually(async () => expect(await tcpListener.locator('[data-testid="group-echo-tcp"]').textContent()).toContain('TCP · 1/1 healthy'), { timeoutMs: 20_000 });

    // Three connections, each echoed back through Berth by the tcp-echo container.
    for (let i = 0; i < 3; i++) expect(await tcpRoundTrip(tcpPort, `hello ${i}\n`)).toBe(`hello ${i}\n`);
    // Three datagrams from one socket: one flow, recorded once it has been idle for 2 s.
    expect(await udpRoundTrips(udpPort, ['ping 0', 'ping 1', 'ping 2'])).toEqual(['ping 0', 'ping 1', 'ping 2']);

    await page.locator(`section[aria-label="load balancer edge"]`).scrollIntoViewIfNeeded();
    await shoot('overview-network');
    await go('Traffic');
    await page.click('button[role="tab"]:has-text("TCP / TLS / UDP")');
    const flow = page.locator('[data-testid="traffic-row"]', { hasText: udpTarget });
    await flow.waitFor({ timeout: 15_000 });
    const connections = page.locator('[data-testid="traffic-row"]', { hasText: tcpTarget });
    await eventually(async () => expect(await connections.count()).toBe(3), { timeoutMs: 10_000 });
    // Every row of this tab is a connection or a flow: no HTTP request among them.
    expect(await page.locator('[data-testid="traffic-row"]').count()).toBe(4);
    await page.click('button:has-text("Following")');
    const connection = (await connections.first().locator('[role="gridcell"]').allTextContents()).slice(1);
    // protocol, client, bytes in / out, packets, ms, target, ended by
    expect(connection.slice(0, 3)).toEqual(['TCP', '127.0.0.1', '8 B / 8 B']);
    expect(connection.slice(5)).toEqual([tcpTarget, 'closed']);
    const flowCells = (await flow.locator('[role="gridcell"]').allTextContents()).slice(1);
    expect(flowCells.slice(0, 4)).toEqual(['UDP', '127.0.0.1', '18 B / 18 B', '3 / 3']);
    expect(flowCells.slice(5)).toEqual([udpTarget, 'idle-timeout']);
    expect(await flow.getAttribute('class')).not.toContain('status-err');
    await flow.click();
    const detail = page.locator('[data-testid="traffic-detail"]');
    expect(await detail.textContent()).toContain('UDP flow');
    expect(await detail.textContent()).toContain("idle-timeout: idle for longer than the listener's idle timeout");
    expect(await detail.locator('[data-testid="detail-rule"]').textContent()).toBe('The listener has no rules: every flow goes to its default action, forward to echo-udp.');
    expect(await detail.textContent()).toContain(`listeneredge ${udpPort}/UDP`);
    // Beside the open detail, every cell of the flow still shows its whole text.
    const cut = await flow.locator('[role="gridcell"]').evaluateAll((cells) => cells.filter((c) => c.scrollWidth > c.clientWidth).map((c) => c.textContent));
    expect(cut).toEqual([]);
    const cutHeads = await page.locator('.traffic-row.head > span').evaluateAll((heads) => heads.filter((h) => h.scrollWidth > h.clientWidth).map((h) => h.textContent));
    expect(cutHeads).toEqual([]);
    await shoot('traffic-l4');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shoot('traffic-l4-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('stops a listener with its switch and starts it again', async () => {
    await go('Overview');
    const toggle = page.getByRole('switch', { name: `listener ${port}/HTTP on web` });
    await toggle.click();
    await eventually(() => expect(curl('/e2e/off', 'app.localhost').status).toBe(0), { timeoutMs: 10_000 });
    await page.locator(`[data-testid="listener-web-${port}/HTTP"] >> text=off`).waitFor();
    await shoot('overview-listener-off');
    await toggle.click();
    await eventually(() => expect(curl('/e2e/on', 'app.localhost').status).toBe(200), { timeoutMs: 10_000 });
    await page.locator(`[data-testid="listener-web-${port}/HTTP"] >> text=listening`).waitFor();
  });

  it('names the matching rule in the route tester, and why the rules above did not match', async () => {
    await go('Route tester');
    await page.fill('input[aria-label="url"]', `http://127.0.0.1:${port}/api/orders`);
    await page.click('button:has-text("Test route")');
    await page.waitForSelector('[data-testid="route-result"]');
    expect(await page.textContent('[data-testid="matched-rule"]')).toBe('rule 20');
    expect(await page.textContent('[data-testid="verdict-10"]')).toMatch(/no match.*hostHeader/);
    await shoot('route-tester');
  });

  it('reroutes with a rule edited in the UI, and writes it to berth.yaml keeping the comments', async () => {
    expect(curl('/v2/ping').status).toBe(404);
    await go('Edit');
    await page.click('button[aria-label="edit rule 20"]');
    await page.fill('input[aria-label="path pattern"]', '/v2 docs/*');
    await page.click('button:has-text("Save to berth.yaml")');
    // The shared schema refuses a space in a path pattern before anything is sent.
    await page.locator('[data-field="conditions.pathPattern"] .field-error').waitFor();
    expect(await page.textContent('[data-field="conditions.pathPattern"] .field-error')).toContain('a path pattern may hold only');
    await shoot('edit-invalid');
    await page.fill('input[aria-label="path pattern"]', '/v2/*');
    await page.selectOption('select[aria-label="target group 1"]', 'app');
    await page.click('button:has-text("Save to berth.yaml")');
    // The row shows the old rule until the save has gone through Berth and back (seconds on a loaded machine).
    await eventually(async () => expect(await page.textContent('[data-testid="edit-rule-20"]')).toContain('path is "/v2/*"'), { timeoutMs: 30_000 });
    await eventually(() => {
      const r = curl('/v2/ping');
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body).name).toBe(app.name);
    });
    const yaml = readFileSync(configFile, 'utf8');
    expect(yaml).toContain('# Berth e2e: these comments must survive edits made in the dashboard');
    expect(yaml).toContain('# the app by its host name');
    expect(yaml).toMatch(/pathPattern:.*\/v2\/\*/);
    expect(yaml).not.toContain('/api/*');
    await shoot('edit');
  });

  it('photographs the remaining screens', async () => {
    for (let i = 0; i < 20; i++) curl(`/e2e/metrics-${i}`, 'app.localhost');
    await go('Metrics');
    await page.locator('[data-testid="metrics-app"] canvas').first().waitFor({ timeout: 10_000 });
    await shoot('metrics');
    // The TCP connections of the network test: a rate, and no status or response time to misread.
    const network = page.locator('[data-testid="metrics-echo-tcp"]');
    await network.waitFor({ timeout: 10_000 });
    expect(await network.textContent()).toContain('connections/s');
    expect(await network.textContent()).not.toMatch(/NaN|p99|5xx/);
    await network.scrollIntoViewIfNeeded();
    await shoot('metrics-network');
    // An HTTPS request for a new name, checked against Berth's own root, mints its certificate.
    const https = spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '10', '--cacert', join(dir.path, 'ca', 'root.pem'), '--resolve', `shop.app.localhost:${httpsPort}:127.0.0.1`, `https://shop.app.localhost:${httpsPort}/e2e/tls`], { encoding: 'utf8' });
    expect(https.stdout).toBe('200');
    await go('Certificates');
    await page.locator('[data-testid="served-certificate"]', { hasText: 'shop.app.localhost' }).waitFor({ timeout: 10_000 });
    expect(await page.textContent('[data-testid="ca-facts"]')).toMatch(/SHA-256\s*([0-9a-f]{2}:){31}[0-9a-f]{2}/);
    expect(await page.locator('[data-testid="trust-stores"] tbody tr').count()).toBeGreaterThan(0);
    await shoot('certificates');
    // Only the confirmation: trusting here would change this machine's stores.
    await page.click('button:has-text("Trust…")');
    await page.waitForSelector('[data-testid="trust-confirm"]');
    await shoot('certificates-trust-confirm');
    await page.click('[data-testid="trust-confirm"] >> button:has-text("Cancel")');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shoot('certificates-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await go('Export');
    await page.waitForSelector('[data-testid="export-text"]');
    const template = (await page.textContent('[data-testid="export-text"]'))!;
    expect(template).toContain('AWS::ElasticLoadBalancingV2::LoadBalancer');
    await shoot('export');
    await page.click('button[role="tab"]:has-text("Import from AWS")');
    await page.fill('textarea[aria-label="template text"]', template);
    await page.click('button:has-text("Preview berth.yaml")');
    await page.waitForSelector('[data-testid="import-yaml"]');
    const imported = (await page.textContent('[data-testid="import-yaml"]'))!;
    expect(imported).toContain(`port: ${httpsPort}`);
    expect(imported).toContain('/v2/*');
    await shoot('export-import');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shoot('export-import-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await go('Overview');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shoot('overview-dark');
    expect(output).not.toContain('[page error]');
  });
});

/** One TCP connection to Berth on loopback: sends `text`, half-closes, and returns what came back. */
function tcpRoundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.end(text));
    let answer = '';
    socket.setEncoding('utf8');
    socket.setTimeout(5000, () => socket.destroy(new Error(`no echo from 127.0.0.1:${port} within 5 s`)));
    socket.on('data', (d: string) => (answer += d));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}

/** Datagrams from one UDP socket (one flow) to Berth on loopback, each awaiting its echo. */
async function udpRoundTrips(port: number, messages: string[]): Promise<string[]> {
  const socket = createSocket('udp4');
  try {
    const answers: string[] = [];
    for (const m of messages) {
      const reply = new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no echo from 127.0.0.1:${port}/udp within 3 s`)), 3000);
        socket.once('message', (msg) => {
          clearTimeout(timer);
          resolve(msg.toString('utf8'));
        });
      });
      socket.send(m, port, '127.0.0.1');
      answers.push(await reply);
    }
    return answers;
  } finally {
    socket.close();
  }
}
