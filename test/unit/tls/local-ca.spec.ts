import { X509Certificate } from 'node:crypto';
import { cp, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateStore, caPaths, createCa, loadCa, loadOrCreateCa, TlsError, type LocalCa } from '../../../main/tls/index.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';
import { OID, extensionsOf } from '../../helpers/certificate-parsing.js';

let tmp: TempDir;
let made: LocalCa;
let dataDir: string;

/** A data folder holding a copy of the CA made once (RSA 3072 takes up to a second). */
async function copyOfCa(name: string): Promise<string> {
  const dir = join(tmp.path, name);
  await mkdir(dir);
  await cp(join(dataDir, 'ca'), join(dir, 'ca'), { recursive: true });
  return dir;
}

async function expectTlsError(promise: Promise<unknown>, reason: string, file: string): Promise<TlsError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(TlsError);
  const tlsError = err as TlsError;
  expect(tlsError.reason).toBe(reason);
  expect(tlsError.file).toBe(file);
  expect(tlsError.message).toContain(file);
  return tlsError;
}

beforeAll(async () => {
  tmp = await tempDir('berth-ca-');
  dataDir = join(tmp.path, 'data');
  made = await createCa(dataDir);
});
afterAll(() => tmp.remove());

describe('creating the CA', () => {
  it('writes root.pem and a 0600 root-key.pem in <data>/ca, leaving no temporary files', async () => {
    const paths = caPaths(dataDir);
    expect(made.paths).toEqual(paths);
    expect((await stat(paths.key)).mode & 0o777).toBe(0o600);
    expect(await readdir(paths.dir)).toEqual(['root-key.pem', 'root.pem']);
  });

  it('names Berth and the machine user in the subject', () => {
    const subject = forge.pki.certificateFromPem(made.certPem).subject;
    expect(subject.getField('CN').value).toMatch(/^Berth local CA \S+@\S+$/);
    expect(subject.getField('O').value).toBe('Berth local development CA');
  });

  it('is a CA limited to signing leaves, with critical name constraints to local names by default', () => {
    const ext = extensionsOf(made.certPem);
    expect(ext.get(OID.basicConstraints)?.critical).toBe(true);
    expect(ext.get(OID.keyUsage)?.critical).toBe(true);
    expect(ext.get(OID.nameConstraints)?.critical).toBe(true);
    expect(new X509Certificate(made.certPem).ca).toBe(true);
    expect(made.permitted).toEqual({ dns: ['localhost', 'test', 'internal'], ip: ['127.0.0.0/8', '::1/128'] });
    const years = (made.notAfter.getTime() - made.notBefore.getTime()) / (365.25 * 86_400_000);
    expect(years).toBeGreaterThan(9.9);
  });

  it('refuses to create over an existing CA', async () => {
    await expectTlsError(createCa(dataDir), 'ca-exists', caPaths(dataDir).cert);
  });

  it('loads back to the same root', async () => {
    const loaded = await loadCa(dataDir);
    expect(loaded.fingerprint).toBe(made.fingerprint);
    expect(loaded.permitted).toEqual(made.permitted);
    expect((await loadOrCreateCa(dataDir)).created).toBe(false);
  });
});

describe('a damaged CA is an error naming the file, never replaced', () => {
  it('a corrupt key: clear error, the file untouched, no new CA (load, loadOrCreate, store.init)', async () => {
    const dir = await copyOfCa('corrupt-key');
    const paths = caPaths(dir);
    await writeFile(paths.key, '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n', { mode: 0o600 });
    const keyBefore = await readFile(paths.key);
    const certBefore = await readFile(paths.cert);
    const err = await expectTlsError(loadOrCreateCa(dir), 'ca-corrupt', paths.key);
    expect(err.code).toBe('CA_CORRUPT');
    expect(err.message).toContain('berth ca reset');
    await expectTlsError(loadCa(dir), 'ca-corrupt', paths.key);
    const store = new CertificateStore({ dataDir: dir });
    await expectTlsError(store.init(), 'ca-corrupt', paths.key);
    await store.close();
    expect(await readFile(paths.key)).toEqual(keyBefore);
    expect(await readFile(paths.cert)).toEqual(certBefore);
    expect(await readdir(paths.dir)).toEqual(['root-key.pem', 'root.pem']);
    expect(await readdir(dir)).toEqual(['ca']);
  });

  it('a corrupt certificate names the certificate', async () => {
    const dir = await copyOfCa('corrupt-cert');
    await writeFile(caPaths(dir).cert, 'garbage');
    await expectTlsError(loadOrCreateCa(dir), 'ca-corrupt', caPaths(dir).cert);
  });

  it('a missing half is reported, not completed', async () => {
    const dir = join(tmp.path, 'half');
    await mkdir(join(dir, 'ca'), { recursive: true });
    await cp(made.paths.cert, caPaths(dir).cert);
    const err = await expectTlsError(loadOrCreateCa(dir), 'ca-incomplete', caPaths(dir).key);
    expect(err.code).toBe('CA_MISSING');
    expect(await readdir(join(dir, 'ca'))).toEqual(['root.pem']);
  });

  it('an unreadable file is reported with its path', async () => {
    const dir = join(tmp.path, 'unreadable');
    await mkdir(caPaths(dir).cert, { recursive: true });
    await cp(made.paths.key, caPaths(dir).key);
    await expectTlsError(loadCa(dir), 'ca-unreadable', caPaths(dir).cert);
  });

  it('a key of another CA is a mismatch', async () => {
    const dir = await copyOfCa('mismatch');
    const { privateKey } = await import('node:crypto').then((c) => c.generateKeyPairSync('rsa', { modulusLength: 1024 }));
    await writeFile(caPaths(dir).key, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await expectTlsError(loadCa(dir), 'ca-mismatch', caPaths(dir).key);
  });

  it('no CA with creation switched off is CA_MISSING', async () => {
    const store = new CertificateStore({ dataDir: join(tmp.path, 'empty'), createCa: false });
    const err = await store.init().then(() => undefined, (e: unknown) => e);
    expect((err as TlsError).code).toBe('CA_MISSING');
    await store.close();
  });
});

describe('options', () => {
  it('extra permitted suffixes, or no constraints at all', async () => {
    const wide = await createCa(join(tmp.path, 'suffixes'), { permittedSuffixes: ['.Dev.Example.com', '*.corp.test'] });
    expect(wide.permitted?.dns).toEqual(['localhost', 'test', 'internal', 'dev.example.com', 'corp.test']);
    const open = await createCa(join(tmp.path, 'open'), { nameConstraints: false });
    expect(open.permitted).toBeUndefined();
    expect(extensionsOf(open.certPem).has(OID.nameConstraints)).toBe(false);
  });
});
