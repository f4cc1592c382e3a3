// What `berth up`'s listeners answer to requests a load balancer must not serve, seen on raw sockets
// as a client sees them: HTTP/0.9 gets a 400, CONNECT a 405 with Allow, and a client that opens a
// TLS connection and says nothing is cut after the shared 10 s handshake deadline (HTTPS and TLS).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { request as httpsRequest } from 'node:https';
import type { HttpBerthClient } from '../../../shared/contract/index.js';
import { describeDocker, runId, startContainer, testDockerHost, type TestContainer } from '../../helpers/docker.js';
import { startBerthUp, type BerthUp } from '../../helpers/berth-up-process.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';

/** Writes `text` on a fresh connection and collects everything until the server closes it. */
function exchange(port: number, text: string, timeoutMs = 10_000): Promise<{ answer: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ answer, closed: false });
    }, timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ answer, closed: true });
    });
    socket.once('error', reject);
  });
}

/** Opens a TCP connection, sends nothing, and measures how long until the server closes it. */
function idleUntilClosed(port: number, giveUpMs: number): Promise<{ closedAfterMs: number | undefined; received: number }> {
  return new Promise((resolve, reject) => {
    let opened = 0;
    let received = 0;
    const socket: Socket = connect(port, '127.0.0.1', () => (opened = performance.now()));
    socket.on('data', (d: Buffer) => (received += d.length));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closedAfterMs: undefined, received });
    }, giveUpMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ closedAfterMs: performance.now() - opened, received });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? undefined : reject(err)));
  });
}

describeDocker('listener refusals under berth up', () => {
  let dir: TempDir;
  let up: BerthUp;
  let client: HttpBerthClient;
  let container: TestContainer;
  let httpPort: number;
  let httpsPort: number;
  let tlsPort: number;

  beforeAll(async () => {
    dir = await tempDir('berth-refusals-');
    const label = `t.refusals.${runId}`;
    container = await startContainer({ labels: { [label]: '1' } });
    await container.serving();
    [httpPort, httpsPort, tlsPort] = [await freePort(), await freePort(), await freePort()];
    const config = join(dir.path, 'berth.yaml');
    writeFileSync(
      config,
      [
        'loadBalancers:',
        '  - name: web',
        '    listeners:',
        `      - { port: ${httpPort}, protocol: HTTP, defaultAction: { forward: app } }`,
        `      - { port: ${httpsPort}, protocol: HTTPS, defaultAction: { fixedResponse: { statusCode: 200, messageBody: secure } } }`,
        '  - name: edge',
        '    type: network',
        '    listeners:',
        `      - { port: ${tlsPort}, protocol: TLS, defaultAction: { forward: app-tcp } }`,
        'targetGroups:',
        '  - name: app',
        '    protocol: HTTP',
        '    healthCheck: { enabled: false }',
        `    targets: { docker: { labels: { ${label}: "1" }, containerPort: 8081 } }`,
        '  - name: app-tcp',
        '    protocol: TCP',
        '    healthCheck: { enabled: false }',
        `    targets: { docker: { labels: { ${label}: "1" }, containerPort: 8081 } }`,
        '',
      ].join('\n'),
    );
    up = startBerthUp({ config, dataDir: join(dir.path, 'data'), dockerHost: testDockerHost() });
    await up.waitFor(`listening web ${httpsPort}/HTTPS`, 60_000);
    await up.waitFor(`listening edge ${tlsPort}/TLS`, 60_000);
    await up.waitFor(`app: 1 target  ${container.name}:${container.hostPort()}`);
    await up.waitFor('dashboard: ');
    client = await up.client();
  }, 120_000);

  afterAll(async () => {
    await up?.stop();
    await dir?.remove();
  }, 30_000);

  it('answers an HTTP/0.9 request with a 400 and closes the connection', async () => {
    // A request line without a version, then the empty line that ends the (absent) headers.
    const { answer, closed } = await exchange(httpPort, 'GET /\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toMatch(/\r\nx-berth-error: UNSUPPORTED_HTTP_VERSION\r\n/i);
    expect(answer).toContain('HTTP/0.9 is not supported');
    expect(closed).toBe(true);
    // The target never saw it, and the listener goes on serving HTTP/1.1.
    const ok = await exchange(httpPort, 'GET /after HTTP/1.1\r\nHost: app.localhost\r\nConnection: close\r\n\r\n');
    expect(ok.answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(ok.answer).toContain(`"name":"${container.name}"`);
    const { records } = await client.call('getTraffic', { listener: `${httpPort}/HTTP` });
    expect(records.find((r) => r.error === 'UNSUPPORTED_HTTP_VERSION')).toMatchObject({ status: 400, path: '/' });
    expect(records.find((r) => r.error === 'UNSUPPORTED_HTTP_VERSION')?.target).toBeUndefined();
  }, 30_000);

  it('answers CONNECT with a 405 that lists the allowed methods, records it, and closes', async () => {
    const { answer, closed } = await exchange(httpPort, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(answer).toMatch(/\r\nallow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r\n/i);
    expect(answer).toMatch(/\r\nx-berth-error: METHOD_NOT_ALLOWED\r\n/i);
    expect(answer).toContain('CONNECT is not supported');
    expect(closed).toBe(true);
    const records = await eventually(async () => {
      const { records } = await client.call('getTraffic', { listener: `${httpPort}/HTTP` });
      expect(records.some((r) => r.method === 'CONNECT')).toBe(true);
      return records;
    });
    expect(records.find((r) => r.method === 'CONNECT')).toMatchObject({ status: 405, error: 'METHOD_NOT_ALLOWED', host: 'example.com:443' });
    // TRACE, the other refused method, names the same Allow list.
    const trace = await exchange(httpPort, 'TRACE / HTTP/1.1\r\nHost: app.localhost\r\nConnection: close\r\n\r\n');
    expect(trace.answer).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(trace.answer).toMatch(/\r\nallow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r\n/i);
  }, 30_000);

  it('closes a TLS connection that sends no handshake after 10 s, on HTTPS and TLS listeners alike', async () => {
    const [https, tls] = await Promise.all([idleUntilClosed(httpsPort, 14_000), idleUntilClosed(tlsPort, 14_000)]);
    for (const [name, result] of [['HTTPS', https], ['TLS', tls]] as const) {
      expect(result.closedAfterMs, `${name} listener never closed the idle connection`).toBeDefined();
      // Node's default was 120 s; the deadline is 10 s (timers may fire a little late on a busy machine).
      expect(result.closedAfterMs!, name).toBeGreaterThanOrEqual(9_500);
      expect(result.closedAfterMs!, name).toBeLessThan(13_500);
      expect(result.received, name).toBe(0);
    }
    // A real client still completes its handshake and gets its answer.
    const ca = await readFile(join(dir.path, 'data', 'ca', 'root.pem'));
    const body = await new Promise<string>((resolve, reject) => {
      httpsRequest({ host: '127.0.0.1', port: httpsPort, servername: 'localhost', ca, path: '/', agent: false }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
    expect(body).toBe('secure');
  }, 30_000);
});
