// HTTPS listeners: certificates minted per SNI name by Berth's CA (verified by a real TLS client
// against the exported root), the default certificate for names outside the rules, X-Forwarded-Proto
// https, an HTTP→HTTPS redirect end to end, and a listener switched on after an update serving the updated rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { configSchema } from '../../../shared/model/index.js';
import { BerthEngine } from '../../../main/engine/index.js';
import { freePort } from '../../helpers/free-port.js';
import { eventually } from '../../helpers/eventually.js';

describe('HTTPS listeners', () => {
  let engine: BerthEngine;
  let target: http.Server;
  let dir: string;
  let httpsPort: number;
  let httpPort: number;
  let ca: string;

  beforeAll(async () => {
    target = http.createServer((req, res) => res.end(JSON.stringify({ headers: req.headers })));
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    dir = mkdtempSync(join(tmpdir(), 'berth-https-'));
    [httpsPort, httpPort] = [await freePort(), await freePort()];
    const config = configSchema.parse({
      loadBalancers: [
        {
          name: 'web',
          listeners: [
            { port: httpsPort, protocol: 'HTTPS', defaultAction: { forward: 'app' }, rules: [{ priority: 1, conditions: { hostHeader: ['api.demo.localhost'] }, action: { forward: 'app' } }] },
            { port: httpPort, protocol: 'HTTP', defaultAction: { redirect: { protocol: 'HTTPS', port: httpsPort, statusCode: 'HTTP_301' } } },
          ],
        },
      ],
      targetGroups: [{ name: 'app', protocol: 'HTTP', targets: { static: [`127.0.0.1:${(target.address() as { port: number }).port}`] } }],
    });
    engine = new BerthEngine({ config, dataDir: dir, discovery: false });
    await engine.start();
    await eventually(() => expect(engine.getState().loadBalancers[0]!.listeners.every((l) => l.status === 'ok')).toBe(true));
    ca = readFileSync(join(dir, 'ca', 'root.pem'), 'utf8');
  });
  afterAll(async () => {
    await engine?.stop();
    target?.close();
  });

  const peer = (servername: string) =>
    new Promise<X509Certificate>((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port: httpsPort, servername, ca, rejectUnauthorized: false }, () => {
        const cert = s.getPeerX509Certificate();
        s.end();
        resolve(cert!);
      });
      s.once('error', reject);
    });

  it('mints a certificate for a rule host that openssl verifies against the CA', async () => {
    // Asynchronously: this process is also the server answering the handshake.
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${httpsPort}`, '-servername', 'api.demo.localhost', '-CAfile', join(dir, 'ca', 'root.pem')]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.end('Q\n');
    await new Promise((r) => child.once('exit', r));
    expect(out).toContain('Verify return code: 0 (ok)');
  });

  it('puts the name in the SAN with the serverAuth EKU; unknown names get the default certificate', async () => {
    const cert = await peer('api.demo.localhost');
    expect(cert.subjectAltName).toContain('DNS:api.demo.localhost');
    expect(cert.keyUsage ?? []).toContain('1.3.6.1.5.5.7.3.1');
    expect(cert.checkIssued(new X509Certificate(ca))).toBe(true);
    const other = await peer('evil.example.com');
    expect(other.subjectAltName).not.toContain('evil.example.com');
    expect(other.subjectAltName).toContain('DNS:localhost');
  });

  it('forwards with X-Forwarded-Proto https, and redirects HTTP to HTTPS', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      https.get({ host: '127.0.0.1', port: httpsPort, path: '/x', servername: 'api.demo.localhost', headers: { host: `api.demo.localhost:${httpsPort}` }, ca }, (res) => {
        let b = '';
        res.on('data', (d) => (b += d));
        res.on('end', () => resolve(b));
      }).once('error', reject);
    });
    const headers = (JSON.parse(body) as { headers: Record<string, string> }).headers;
    expect(headers['x-forwarded-proto']).toBe('https');
    expect(headers['x-forwarded-port']).toBe(String(httpsPort));
    const res = await new Promise<http.IncomingMessage>((resolve) => http.get({ host: '127.0.0.1', port: httpPort, path: '/a/b?c=d', headers: { host: 'api.demo.localhost' } }, resolve));
    res.resume();
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe(`https://api.demo.localhost:${httpsPort}/a/b?c=d`);
  });
});

describe('an HTTPS listener created switched off', () => {
  let engine: BerthEngine | undefined;
  afterAll(() => engine?.stop());

  it('serves the rules of its last update when switched on, not the ones it was created with', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-https-off-'));
    const port = await freePort();
    const config = (body: string, enabled: boolean) =>
      configSchema.parse({
        loadBalancers: [
          {
            name: 'web',
            listeners: [
              {
                port,
                protocol: 'HTTPS',
                enabled,
                defaultAction: { fixedResponse: { statusCode: 404, messageBody: 'no route' } },
                rules: [{ priority: 1, conditions: { hostHeader: [`${body}.demo.localhost`] }, action: { fixedResponse: { statusCode: 200, messageBody: body } } }],
              },
            ],
          },
        ],
        targetGroups: [],
      });
    engine = new BerthEngine({ config: config('old', false), dataDir: dir, discovery: false });
    await engine.start();
    await engine.replaceConfig(config('new', false));
    await engine.setListenerEnabled('web', `${port}/HTTPS`, true);
    await eventually(() => expect(engine!.getState().loadBalancers[0]!.listeners[0]!.status).toBe('ok'));
    const ca = readFileSync(join(dir, 'ca', 'root.pem'), 'utf8');
    const get = (host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port, path: '/', servername: host, headers: { host }, ca, agent: false }, (res) => {
            let b = '';
            res.on('data', (d) => (b += d));
            res.on('end', () => resolve({ status: res.statusCode!, body: b }));
          })
          .once('error', reject);
      });
    // The certificate is minted for the new rule's host too: the client verifies it against the CA.
    expect(await get('new.demo.localhost')).toEqual({ status: 200, body: 'new' });
    expect(await get('old.demo.localhost')).toEqual({ status: 404, body: 'no route' });
  });
});
