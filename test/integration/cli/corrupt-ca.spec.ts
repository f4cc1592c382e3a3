// `berth up` with a corrupt CA file, as docs/tls.md describes it: HTTP listeners serve, every HTTPS and
// TLS listener stays down with the file named (stderr, status), the CA files are left as they were,
// and once the files are restored, switching a listener off and on brings it up without a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { request } from 'node:https';
import { join } from 'node:path';
import { createCa } from '../../../main/tls/index.js';
import { startBerthUp, type BerthUp } from '../../helpers/berth-up-process.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

describe('berth up with a corrupt CA', () => {
  let dir: TempDir;
  let dataDir: string;
  let up: BerthUp;
  let ports: { http: number; https: number; tls: number };
  const corrupt = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n';
  let keyBefore: string;

  beforeAll(async () => {
    dir = await tempDir('berth-corrupt-ca-');
    dataDir = join(dir.path, 'data');
    // A real CA whose certificate file then gets damaged (a bad copy, a disk error).
    mkdirSync(dataDir, { mode: 0o700 });
    const ca = await createCa(dataDir);
    copyFileSync(ca.paths.cert, join(dir.path, 'root.pem.good'));
    writeFileSync(ca.paths.cert, corrupt);
    keyBefore = readFileSync(ca.paths.key, 'utf8');
    ports = { http: await freePort(), https: await freePort(), tls: await freePort() };
    const config = join(dir.path, 'berth.yaml');
    writeFileSync(
      config,
      [
        'loadBalancers:',
        '  - name: web',
        '    listeners:',
        `      - { port: ${ports.http}, protocol: HTTP, defaultAction: { fixedResponse: { statusCode: 200, messageBody: plain } } }`,
        `      - { port: ${ports.https}, protocol: HTTPS, defaultAction: { fixedResponse: { statusCode: 200, messageBody: secure } } }`,
        '  - name: edge',
        '    type: network',
        '    listeners:',
        `      - { port: ${ports.tls}, protocol: TLS, defaultAction: { forward: plain } }`,
        'targetGroups:',
        '  - name: plain',
        '    protocol: TCP',
        '    healthCheck: { enabled: false }',
        `    targets: { static: ["127.0.0.1:${ports.http}"] }`,
        '',
      ].join('\n'),
    );
    up = startBerthUp({ config, dataDir });
    await up.waitFor('dashboard: ', 60_000);
  }, 90_000);

  afterAll(async () => {
    await up?.stop();
    await dir?.remove();
  }, 30_000);

  it('keeps running: HTTP serves, HTTPS and TLS stay down naming the file, the CA files untouched', async () => {
    expect(up.child.exitCode).toBeNull();
    expect(await (await fetch(`http://127.0.0.1:${ports.http}/`)).text()).toBe('plain');
    expect(await refused(ports.https)).toBe(true);
    expect(await refused(ports.tls)).toBe(true);
    const cert = join(dataDir, 'ca', 'root.pem');
    const errors = up.output().split('\n').filter((l) => l.startsWith('error: '));
    expect(errors).toHaveLength(2);
    for (const line of errors) expect(line).toContain(`error: The Berth CA certificate ${cert} is corrupt`);
    expect(up.output()).toContain('run `berth ca reset`');
    const state = await (await up.client()).call('getState', {});
    const listeners = state.loadBalancers.flatMap((lb) => lb.listeners.map((l) => [l.id, l.status, l.error ?? ''] as const));
    expect(listeners).toEqual([
      [`${ports.http}/HTTP`, 'ok', ''],
      [`${ports.https}/HTTPS`, 'error', expect.stringContaining(`${cert} is corrupt`)],
      [`${ports.tls}/TLS`, 'error', expect.stringContaining(`${cert} is corrupt`)],
    ]);
    expect(readFileSync(cert, 'utf8')).toBe(corrupt);
    expect(readFileSync(join(dataDir, 'ca', 'root-key.pem'), 'utf8')).toBe(keyBefore);
  }, 30_000);

  it('after the file is restored, switching the HTTPS listener off and on serves it', async () => {
    const cert = join(dataDir, 'ca', 'root.pem');
    copyFileSync(join(dir.path, 'root.pem.good'), cert);
    const client = await up.client();
    // Berth does not watch the CA files: the listener stays down until it is started again.
    expect(await refused(ports.https)).toBe(true);
    await client.call('setListenerEnabled', { loadBalancer: 'web', listener: `${ports.https}/HTTPS`, enabled: false });
    await client.call('setListenerEnabled', { loadBalancer: 'web', listener: `${ports.https}/HTTPS`, enabled: true });
    const ca = readFileSync(cert);
    const body = await eventually(
      () =>
        new Promise<string>((resolve, reject) => {
          request({ host: '127.0.0.1', port: ports.https, servername: 'localhost', ca, agent: false }, (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () => resolve(text));
          })
            .on('error', reject)
            .end();
        }),
    );
    expect(body).toBe('secure');
  }, 30_000);
});
