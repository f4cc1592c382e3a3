import { X509Certificate } from 'node:crypto';
import { cp, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecureContext } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CertificateStore, createCa, generateLeafKey, mintLeaf, TlsError, type CertificateEvent, type CertificateStoreOptions, type LocalCa } from '../../../main/tls/index.js';
import { eventually } from '../../helpers/eventually.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';

const DAY = 86_400_000;
let tmp: TempDir;
let ca: LocalCa;
let count = 0;
const stores: CertificateStore[] = [];

beforeAll(async () => {
  tmp = await tempDir('berth-store-');
  ca = await createCa(join(tmp.path, 'template'));
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});
afterAll(() => tmp.remove());

/** A store over a fresh data folder holding a copy of the one CA. */
async function storeWith(options: Partial<CertificateStoreOptions> = {}, dataDir?: string): Promise<{ store: CertificateStore; events: CertificateEvent[]; dataDir: string }> {
  const dir = dataDir ?? join(tmp.path, `data-${++count}`);
  if (!dataDir) await cp(join(tmp.path, 'template', 'ca'), join(dir, 'ca'), { recursive: true });
  const events: CertificateEvent[] = [];
  const store = new CertificateStore({ dataDir: dir, onEvent: (e) => events.push(e), ...options });
  stores.push(store);
  await store.init();
  return { store, events, dataDir: dir };
}

const sans = (pem: string) => new X509Certificate(pem).subjectAltName;
const policy = { allowedNames: ['*.localhost', 'api.demo.localhost', '*.app.localhost', 'api.example.com'] };

describe('minting on demand', () => {
  it('100 parallel first requests for one new name mint exactly one certificate', async () => {
    const { store } = await storeWith();
    const served = await Promise.all(Array.from({ length: 100 }, () => store.certificateFor('api.demo.localhost', policy)));
    expect(store.stats().minted).toBe(1);
    expect(new Set(served.map((s) => s.certPem)).size).toBe(1);
    expect(sans(served[0]!.certPem)).toBe('DNS:api.demo.localhost');
  });

  it('a name outside the allowed set gets the default certificate, reported once', async () => {
    const { store, events } = await storeWith();
    const fallback = await store.certificateFor(undefined, policy);
    const other = await store.certificateFor('www.example.org', policy);
    await store.certificateFor('www.example.org', policy);
    expect(other.certPem).toBe(fallback.certPem);
    expect(sans(fallback.certPem)).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(events.filter((e) => e.type === 'refused')).toEqual([{ type: 'refused', servername: 'www.example.org', reason: 'not-allowed' }]);
  });

  it('an allowed name the root may not vouch for (name constraints) also gets the default', async () => {
    const { store, events } = await storeWith();
    await store.certificateFor('api.example.com', policy);
    expect(store.stats().minted).toBe(1);
    expect(events).toContainEqual({ type: 'refused', servername: 'api.example.com', reason: 'outside-name-constraints' });
  });

  it('hands out one SecureContext per certificate and TLS settings', async () => {
    const { store } = await storeWith();
    const a = await store.secureContextFor('x.localhost', policy);
    expect(await store.secureContextFor('X.LOCALHOST', policy)).toBe(a);
    const strict = { ...policy, contextOptions: { minVersion: 'TLSv1.3' as const } };
    expect(await store.secureContextFor('x.localhost', strict)).not.toBe(a);
    expect(store.stats().minted).toBe(1);
  });

  it('SNI options: the default certificate as key/cert, the SNICallback answering per name', async () => {
    const { store } = await storeWith();
    const options = await store.createSecureServerOptions(policy);
    expect(sans(options.cert)).toContain('DNS:localhost');
    const context = await new Promise<SecureContext | undefined>((resolve, reject) => options.SNICallback('web.app.localhost', (err, ctx) => (err ? reject(err) : resolve(ctx))));
    expect(context).toBe(await store.secureContextFor('web.app.localhost', policy));
    expect(sans((await store.certificateFor('web.app.localhost', policy)).certPem)).toBe('DNS:*.app.localhost');
  });
});

describe('renewal and the disk cache', () => {
  it('serves the old leaf inside the renewal window while minting its successor, and waits once it expired', async () => {
    let now = Date.now();
    const { store } = await storeWith({ now: () => now, renewBeforeDays: 30 });
    const first = await store.certificateFor('r.localhost', policy);
    now += 340 * DAY;
    expect((await store.certificateFor('r.localhost', policy)).certPem).toBe(first.certPem);
    await eventually(() => expect(store.stats().renewed).toBe(1));
    const second = await store.certificateFor('r.localhost', policy);
    expect(second.certPem).not.toBe(first.certPem);
    now += 400 * DAY;
    const third = await store.certificateFor('r.localhost', policy);
    expect(third.notAfter.getTime()).toBeGreaterThan(now);
    expect(store.stats().renewed).toBe(2);
  });

  it('a restart serves the cached leaf from disk (0600) instead of minting again; a damaged file is minted anew', async () => {
    const first = await storeWith();
    const minted = await first.store.certificateFor('d.localhost', policy);
    await first.store.close();
    const dir = join(first.dataDir, 'certs', ca.fingerprint.slice(0, 16));
    expect((await stat(join(dir, 'd.localhost.pem'))).mode & 0o777).toBe(0o600);
    const second = await storeWith({}, first.dataDir);
    expect((await second.store.certificateFor('d.localhost', policy)).certPem).toBe(minted.certPem);
    expect(second.store.stats()).toMatchObject({ minted: 0, loadedFromDisk: 1 });
    await writeFile(join(dir, 'e.localhost.pem'), 'junk');
    await second.store.certificateFor('e.localhost', policy);
    expect(second.store.stats().minted).toBe(1);
  });

  it('keeps at most memoryLimit leaves in memory', async () => {
    const { store } = await storeWith({ memoryLimit: 3, diskCache: false });
    for (const n of ['a', 'b', 'c', 'd', 'e']) await store.certificateFor(`${n}.localhost`, policy);
    expect(store.stats().inMemory).toBe(3);
  });
});

describe('user certificates', () => {
  async function userFiles(dir: string, name: string) {
    await mkdir(dir, { recursive: true });
    const leaf = await mintLeaf(ca, { names: { key: name, dnsNames: [name], ipAddresses: [] }, key: await generateLeafKey('ec-p256') });
    const file = name.replace('*', 'star');
    const certFile = join(dir, `${file}.crt`);
    const keyFile = join(dir, `${file}.key`);
    await writeFile(certFile, leaf.certPem);
    await writeFile(keyFile, leaf.keyPem);
    return { certFile, keyFile, certPem: leaf.certPem };
  }

  it('are SNI-selected as given (exact before wildcard), the first one being the default', async () => {
    const { store } = await storeWith();
    const dir = join(tmp.path, 'user');
    const wildcard = await userFiles(dir, '*.shop.test');
    const exact = await userFiles(dir, 'www.shop.test');
    const userPolicy = { allowedNames: [], userCertificates: [wildcard, exact] };
    await store.createSecureServerOptions(userPolicy);
    expect((await store.certificateFor('www.shop.test', userPolicy)).certPem).toBe(exact.certPem);
    expect((await store.certificateFor('cart.shop.test', userPolicy)).certPem).toBe(wildcard.certPem);
    expect((await store.certificateFor('other.localhost', userPolicy)).certPem).toBe(wildcard.certPem);
    expect(store.stats().minted).toBe(0);
    expect(await readdir(dir)).toHaveLength(4);
  });

  it('a key that does not fit its certificate fails the listener start, naming the file', async () => {
    const { store } = await storeWith();
    const dir = join(tmp.path, 'user-bad');
    const a = await userFiles(dir, 'a.shop.test');
    const b = await userFiles(dir, 'b.shop.test');
    const err = await store.createSecureServerOptions({ allowedNames: [], userCertificates: [{ certFile: a.certFile, keyFile: b.keyFile }] }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).file).toBe(b.keyFile);
    expect((err as TlsError).code).toBe('CERTIFICATE_FAILED');
  });
});
