// Acceptance: `openssl s_client -servername NAME -CAfile <exported root>` verifies (return code 0)
// for configured names on HTTPS and TLS listeners; an unknown name gets the default certificate.
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaExport } from '../../../main/cli/ca-command.js';
import { CertificateStore } from '../../../main/tls/index.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';
import { OID, extendedKeyUsages, subjectAltNames } from '../../helpers/certificate-parsing.js';
import { exec, firstCertificate, startServer, type RunningServer } from './tls-fixtures.js';

const policy = { allowedNames: ['api.demo.localhost', 'web.demo.localhost', '*.app.localhost', 'svc.internal'] };
let tmp: TempDir;
let store: CertificateStore;
let rootFile: string;
let https: RunningServer;
let tls: RunningServer;

const quiet = { stdout: () => undefined, stderr: () => undefined };

beforeAll(async () => {
  tmp = await tempDir('berth-sclient-');
  store = new CertificateStore({ dataDir: join(tmp.path, 'data') });
  await store.init();
  rootFile = join(tmp.path, 'exported-root.pem');
  expect(await runCaExport(join(tmp.path, 'data'), { out: rootFile }, quiet)).toBe(0);
  https = await startServer(store, policy, 'https');
  tls = await startServer(store, policy, 'tls');
});
afterAll(async () => {
  await https?.close();
  await tls?.close();
  await store?.close();
  await tmp?.remove();
});

async function sClient(port: number, servername: string | undefined, verifyHostname = servername) {
  const args = ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', rootFile, '-verify_return_error', '-showcerts'];
  args.push(...(servername ? ['-servername', servername] : ['-noservername']));
  if (verifyHostname) args.push('-verify_hostname', verifyHostname);
  const run = await exec('openssl', args);
  const served = run.stdout.includes('BEGIN CERTIFICATE') ? firstCertificate(run.stdout) : '';
  return { ...run, served };
}

describe('openssl s_client against Berth listeners', () => {
  for (const name of ['api.demo.localhost', 'web.demo.localhost', 'x.app.localhost', 'svc.internal']) {
    it(`verifies ${name} on the HTTPS listener (return code 0), SAN and EKU parsed`, async () => {
      const run = await sClient(https.port, name);
      expect(run.stdout).toContain('Verify return code: 0 (ok)');
      expect(run.code).toBe(0);
      const san = subjectAltNames(run.served).dns;
      expect(new X509Certificate(run.served).checkHost(name)).toBeDefined();
      expect(san).toEqual(name === 'x.app.localhost' ? ['*.app.localhost'] : [name]);
      expect(extendedKeyUsages(run.served)).toEqual([OID.serverAuth]);
    });
  }

  it('verifies on the TLS (network) listener too, with the same certificates', async () => {
    const run = await sClient(tls.port, 'api.demo.localhost');
    expect(run.stdout).toContain('Verify return code: 0 (ok)');
    expect(run.code).toBe(0);
    expect(subjectAltNames(run.served).dns).toEqual(['api.demo.localhost']);
  });

  it('an unknown name gets the default certificate, not a new one', async () => {
    const minted = store.stats().minted;
    const run = await sClient(https.port, 'unknown.example.com', 'localhost');
    expect(run.stdout).toContain('Verify return code: 0 (ok)');
    expect(subjectAltNames(run.served)).toEqual({ dns: ['localhost'], ip: ['127.0.0.1', '::1'] });
    expect(store.stats().minted).toBe(minted);
    const strict = await sClient(https.port, 'unknown.example.com');
    expect(strict.code).not.toBe(0);
    expect(strict.stdout).toMatch(/Verify return code: 62 \(hostname mismatch\)/);
  });

  it('a client without SNI gets the default certificate, which verifies for 127.0.0.1', async () => {
    const run = await exec('openssl', ['s_client', '-connect', `127.0.0.1:${https.port}`, '-noservername', '-CAfile', rootFile, '-verify_return_error', '-verify_ip', '127.0.0.1', '-showcerts']);
    expect(run.stdout).toContain('Verify return code: 0 (ok)');
    expect(subjectAltNames(firstCertificate(run.stdout)).dns).toEqual(['localhost']);
  });

  it('a user-supplied certificate is served as given for its name', async () => {
    const certFile = join(tmp.path, 'shop.crt');
    const keyFile = join(tmp.path, 'shop.key');
    const made = await exec('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '30', '-subj', '/CN=shop.example.com', '-addext', 'subjectAltName=DNS:shop.example.com']);
    expect(made.code).toBe(0);
    const server = await startServer(store, { allowedNames: ['api.demo.localhost'], userCertificates: [{ certFile, keyFile }] });
    try {
      const run = await exec('openssl', ['s_client', '-connect', `127.0.0.1:${server.port}`, '-servername', 'shop.example.com', '-CAfile', certFile, '-verify_return_error', '-verify_hostname', 'shop.example.com']);
      expect(run.stdout).toContain('Verify return code: 0 (ok)');
      const minted = await sClient(server.port, 'api.demo.localhost');
      expect(minted.stdout).toContain('Verify return code: 0 (ok)');
    } finally {
      await server.close();
    }
  });
});
