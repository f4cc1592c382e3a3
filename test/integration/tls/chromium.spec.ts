// Acceptance: headless Chromium (Debian's, driven by playwright-core) loads Berth's HTTPS pages
// without a certificate error once the root is in its NSS database (~/.pki/nssdb of a temporary
// HOME, put there by Berth's own NSS installer), and enforces the root's name constraints.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CertificateStore, createCa, generateLeafKey, mintLeaf, rootIdentity, systemTrustEnvironment, trustRoot } from '../../../main/tls/index.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';
import { exec, listen, startServer, type RunningServer } from './tls-fixtures.js';
import { createServer } from 'node:https';
import { gotoSettled } from '../../helpers/chromium.js';

// Each test starts Chromium; on a loaded CI machine that alone can take tens of seconds.
vi.setConfig({ testTimeout: 120_000 });

const CHROMIUM = '/usr/bin/chromium';
const missing = ['chromium', 'certutil'].filter((tool) => !existsSync(tool === 'chromium' ? CHROMIUM : '/usr/bin/certutil'));
// CI installs both (.ci/run); elsewhere a missing browser is a skip with the reason, not a failure.
const skip = missing.length > 0 && process.env.CI !== 'true';
if (skip) console.warn(`chromium.spec.ts skipped: ${missing.join(' and ')} not installed (Debian: apt install chromium libnss3-tools)`);

let tmp: TempDir;
let home: string;
let store: CertificateStore;
let server: RunningServer;
let outside: RunningServer;

async function withBrowser<T>(use: (browser: Browser) => Promise<T>): Promise<T> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--host-resolver-rules=MAP www.example.com 127.0.0.1'],
    env: { ...process.env, HOME: home },
    timeout: 60_000,
  });
  try {
    return await use(browser);
  } finally {
    await browser.close();
  }
}

/** The page's text, or the navigation error (net::ERR_…) Chromium reports. */
async function load(browser: Browser, url: string): Promise<{ status?: number; text?: string; error?: string }> {
  const page = await browser.newPage();
  try {
    const response = await gotoSettled(page, url, { timeout: 20_000 });
    return { status: response?.status(), text: await page.innerText('body') };
  } catch (err) {
    return { error: (err as Error).message };
  } finally {
    await page.close();
  }
}

describe.skipIf(skip)('headless Chromium with the root in its NSS database', () => {
  beforeAll(async () => {
    tmp = await tempDir('berth-chromium-');
    home = join(tmp.path, 'home');
    await mkdir(join(home, '.pki', 'nssdb'), { recursive: true });
    const created = await exec('certutil', ['-N', '-d', `sql:${join(home, '.pki', 'nssdb')}`, '--empty-password']);
    expect(created.code).toBe(0);
    store = new CertificateStore({ dataDir: join(tmp.path, 'data') });
    await store.init();
    server = await startServer(store, { allowedNames: ['*.localhost', '*.app.localhost'] });
    // A public name signed by the constrained root, to see Chromium refuse it.
    const leaf = await mintLeaf(store.ca, { names: { key: 'www.example.com', dnsNames: ['www.example.com'], ipAddresses: [] }, key: await generateLeafKey('ec-p256') });
    outside = await listen(createServer({ key: leaf.keyPem, cert: leaf.certPem }, (_req, res) => res.end('public')));
  });
  afterAll(async () => {
    await server?.close();
    await outside?.close();
    await store?.close();
    await tmp?.remove();
  });

  it('refuses the page before the root is trusted', async () => {
    const result = await withBrowser((b) => load(b, `https://api.demo.localhost:${server.port}/`));
    expect(result.error).toMatch(/ERR_CERT_AUTHORITY_INVALID/);
  });

  it('loads exact and wildcard names without a certificate error once Berth put the root into the NSS database', async () => {
    // Only the NSS store: the system store is the business of system-trust.spec.ts.
    const env = systemTrustEnvironment({ home, has: async (command) => command === 'certutil' });
    const results = await trustRoot(rootIdentity(store.ca), env);
    expect(results).toEqual([expect.objectContaining({ label: 'Chromium/Chrome NSS database', outcome: 'done' })]);
    await withBrowser(async (browser) => {
      expect(await load(browser, `https://api.demo.localhost:${server.port}/`)).toEqual({ status: 200, text: `ok api.demo.localhost:${server.port}` });
      expect(await load(browser, `https://web.app.localhost:${server.port}/`)).toEqual({ status: 200, text: `ok web.app.localhost:${server.port}` });
    });
  });

  it('enforces the name constraints: a public name from the constrained root is refused, from an unconstrained one accepted', async () => {
    // Control: the same kind of leaf from a trusted root without constraints loads, so the constraint is the cause.
    const open = await createCa(join(tmp.path, 'unconstrained'), { nameConstraints: false });
    const added = await exec('certutil', ['-A', '-d', `sql:${join(home, '.pki', 'nssdb')}`, '-t', 'C,,', '-n', 'control root', '-i', open.paths.cert]);
    expect(added.code).toBe(0);
    const leaf = await mintLeaf(open, { names: { key: 'www.example.com', dnsNames: ['www.example.com'], ipAddresses: [] }, key: await generateLeafKey('ec-p256') });
    const control = await listen(createServer({ key: leaf.keyPem, cert: leaf.certPem }, (_req, res) => res.end('public')));
    try {
      await withBrowser(async (browser) => {
        // Chromium 156 reports a name-constraint violation as ERR_CERT_INVALID.
        expect((await load(browser, `https://www.example.com:${outside.port}/`)).error).toMatch(/ERR_CERT_INVALID|ERR_CERT_NAME_CONSTRAINT_VIOLATION/);
        expect(await load(browser, `https://www.example.com:${control.port}/`)).toEqual({ status: 200, text: 'public' });
      });
    } finally {
      await control.close();
    }
  });
});
