// Header modification (AWS listener attributes, Nov 2024) through the real `berth up`: the listener's
// response headers on a target's answer (replacing the target's own value), a fixed response, a
// redirect and Berth's error answers; `server: false` drops Berth's Server header; on HTTPS the TLS
// version and cipher reach an echo container under the names the listener gives them.
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDocker, runId, startContainer, type TestContainer } from '../../helpers/docker.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';
import { berthUp, type BerthUp } from './berth-up.js';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function get(port: number, path: string, host: string, options: { tls?: { ca: string }; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const send = options.tls ? httpsRequest : httpRequest;
    const req = send({ host: '127.0.0.1', port, path, headers: { host, ...options.headers }, agent: false, ...(options.tls ? { ca: options.tls.ca, servername: host } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const SECURITY = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'access-control-allow-origin': 'https://shop.example.com',
  'access-control-allow-methods': 'GET, POST',
  'access-control-allow-headers': 'Content-Type',
  'access-control-allow-credentials': 'true',
  'access-control-expose-headers': 'X-Served-By',
  'access-control-max-age': '600',
  'content-security-policy': "default-src 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

describeDocker('header modification on application listeners', () => {
  const label = `t.hdr.${runId}`;
  let berth: BerthUp;
  let echo: TestContainer;
  let http: number;
  let plain: number;
  let https: number;
  let ca: string;

  beforeAll(async () => {
    echo = await startContainer({ labels: { [label]: 'web' } });
    await echo.serving();
    [http, plain, https] = [await freePort(), await freePort(), await freePort()];
    berth = await berthUp(
      [
        'loadBalancers:',
        '  - name: shop',
        '    tlsVersionAndCipherSuiteHeaders: true',
        '    listeners:',
        `      - port: ${http}`,
        '        protocol: HTTP',
        '        headerModification:',
        '          server: false',
        '          strictTransportSecurity: max-age=31536000; includeSubDomains',
        '          accessControlAllowOrigin: https://shop.example.com',
        '          accessControlAllowMethods: GET, POST',
        '          accessControlAllowHeaders: Content-Type',
        '          accessControlAllowCredentials: "true"',
        '          accessControlExposeHeaders: X-Served-By',
        '          accessControlMaxAge: 600',
        `          contentSecurityPolicy: "default-src 'self'"`,
        '          xContentTypeOptions: nosniff',
        '          xFrameOptions: DENY',
        '        defaultAction: { fixedResponse: { statusCode: 404, contentType: text/plain, messageBody: nothing here } }',
        '        rules:',
        '          - { priority: 1, conditions: { pathPattern: ["/app/*"] }, action: { forward: web } }',
        '          - { priority: 2, conditions: { pathPattern: ["/old"] }, action: { redirect: { path: /new, statusCode: HTTP_301 } } }',
        '          - { priority: 3, conditions: { pathPattern: ["/empty"] }, action: { forward: empty } }',
        `      - port: ${plain}`,
        '        protocol: HTTP',
        '        defaultAction: { forward: empty }',
        `      - port: ${https}`,
        '        protocol: HTTPS',
        '        certificates: auto',
        '        headerModification:',
        '          requestHeaderNames: { tlsVersion: X-Tls-Version, tlsCipherSuite: X-Tls-Cipher }',
        '        defaultAction: { forward: web }',
        'targetGroups:',
        '  - name: web',
        '    protocol: HTTP',
        '    healthCheck: { enabled: false }',
        `    targets: { docker: { labels: { ${label}: web }, containerPort: 8081 } }`,
        '  - name: empty',
        '    protocol: HTTP',
        '',
      ].join('\n'),
    );
    ca = readFileSync(join(berth.dataDir, 'ca', 'root.pem'), 'utf8');
    await eventually(async () => expect((await get(http, '/app/x', 'shop.localhost')).status).toBe(200), { timeoutMs: 30_000 });
  }, 180_000);

  afterAll(async () => {
    await berth?.stop();
  });

  describe('adds the listener’s headers to every response', () => {
    it('on a target’s answer, keeping the target’s own headers', async () => {
      const r = await get(http, '/app/hello', 'shop.localhost');
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body).name).toBe(echo.name);
      expect(r.headers).toMatchObject(SECURITY);
      expect(r.headers['x-served-by']).toBe(echo.name);
    });

    it('on a fixed response and a redirect, without Berth’s Server header', async () => {
      const fixed = await get(http, '/nowhere', 'shop.localhost');
      expect([fixed.status, fixed.body]).toEqual([404, 'nothing here']);
      expect(fixed.headers).toMatchObject(SECURITY);
      expect(fixed.headers.server).toBeUndefined();
      const moved = await get(http, '/old', 'shop.localhost');
      expect(moved.status).toBe(301);
      expect(moved.headers.location).toBe(`http://shop.localhost:${http}/new`);
      expect(moved.headers).toMatchObject(SECURITY);
      expect(moved.headers.server).toBeUndefined();
    });

    it('on Berth’s own error answers', async () => {
      const none = await get(http, '/empty', 'shop.localhost');
      expect(none.status).toBe(503);
      expect(none.headers['x-berth-error']).toBe('NO_REGISTERED_TARGETS');
      expect(none.headers).toMatchObject(SECURITY);
      expect(none.headers.server).toBeUndefined();
    });

    it('leaves a listener without headerModification as it was: Server: berth, no added headers', async () => {
      const r = await get(plain, '/', 'shop.localhost');
      expect(r.status).toBe(503);
      expect(r.headers.server).toBe('berth');
      expect(r.headers['strict-transport-security']).toBeUndefined();
      expect(r.headers['x-frame-options']).toBeUndefined();
    });
  });

  it('sends the TLS version and cipher to the target under the renamed headers, replacing what the client sent', async () => {
    const r = await get(https, '/tls', 'shop.localhost', { tls: { ca }, headers: { 'x-tls-version': 'forged' } });
    expect(r.status).toBe(200);
    const seen = JSON.parse(r.body).headers as Record<string, string>;
    expect(seen['x-tls-version']).toMatch(/^TLSv1\.[23]$/);
    expect(seen['x-tls-cipher']).toMatch(/^(TLS_AES|TLS_CHACHA|ECDHE-)/);
    expect(seen['x-amzn-tls-version']).toBeUndefined();
  });
});
