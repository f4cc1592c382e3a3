// The root's name constraints as real clients enforce them: curl and openssl accept leaves for local
// names and refuse a leaf for a public name signed by the same (constrained) root, while an
// unconstrained root's identical leaf is accepted. Chromium is checked in chromium.spec.ts.
import { createServer } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateStore, createCa, generateLeafKey, mintLeaf, type LocalCa } from '../../../main/tls/index.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';
import { exec, listen, startServer, type RunningServer } from './tls-fixtures.js';

let tmp: TempDir;
let store: CertificateStore;
let local: RunningServer;
const servers: RunningServer[] = [];

beforeAll(async () => {
  tmp = await tempDir('berth-nc-');
  store = new CertificateStore({ dataDir: join(tmp.path, 'constrained') });
  await store.init();
  local = await startServer(store, { allowedNames: ['*.localhost', '*.test'] });
});
afterAll(async () => {
  await Promise.all([local, ...servers].map((s) => s?.close()));
  await store?.close();
  await tmp?.remove();
});

/** A server presenting a leaf for `name` signed directly by `ca`, bypassing the store's own refusal. */
async function serveLeafFor(ca: LocalCa, name: string): Promise<RunningServer> {
  const leaf = await mintLeaf(ca, { names: { key: name, dnsNames: [name], ipAddresses: [] }, key: await generateLeafKey('ec-p256') });
  const server = await listen(createServer({ key: leaf.keyPem, cert: leaf.certPem }, (_req, res) => res.end('public')));
  servers.push(server);
  return server;
}

const curl = (url: string, caFile: string, resolve?: string) =>
  exec('curl', ['-sS', '--max-time', '10', '--cacert', caFile, ...(resolve ? ['--resolve', resolve] : []), url]);

describe('name constraints with curl and openssl', () => {
  it('curl accepts local names under the constrained root (*.localhost resolved by curl itself, .test via --resolve)', async () => {
    const root = store.ca.paths.cert;
    expect(await curl(`https://api.demo.localhost:${local.port}/`, root)).toMatchObject({ code: 0, stdout: `ok api.demo.localhost:${local.port}` });
    const test = await curl(`https://shop.test:${local.port}/`, root, `shop.test:${local.port}:127.0.0.1`);
    expect(test).toMatchObject({ code: 0 });
  });

  it('curl and openssl refuse a public name signed by the constrained root', async () => {
    const server = await serveLeafFor(store.ca, 'www.example.com');
    const run = await curl(`https://www.example.com:${server.port}/`, store.ca.paths.cert, `www.example.com:${server.port}:127.0.0.1`);
    expect(run.code).toBe(60);
    const sClient = await exec('openssl', ['s_client', '-connect', `127.0.0.1:${server.port}`, '-servername', 'www.example.com', '-CAfile', store.ca.paths.cert, '-verify_return_error']);
    expect(sClient.stdout).toMatch(/Verify return code: 47 \(permitted subtree violation\)/);
  });

  it('the same leaf from an unconstrained root is accepted (so the constraint is what refused it)', async () => {
    const open = await createCa(join(tmp.path, 'unconstrained'), { nameConstraints: false });
    const server = await serveLeafFor(open, 'www.example.com');
    const run = await curl(`https://www.example.com:${server.port}/`, open.paths.cert, `www.example.com:${server.port}:127.0.0.1`);
    expect(run).toMatchObject({ code: 0, stdout: 'public' });
  });
});
