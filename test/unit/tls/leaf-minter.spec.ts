import { X509Certificate, createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa, generateLeafKey, mintLeaf, type LocalCa } from '../../../main/tls/index.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';
import { OID, extendedKeyUsages, extensionsOf, subjectAltNames } from '../../helpers/certificate-parsing.js';

let tmp: TempDir;
let ca: LocalCa;

beforeAll(async () => {
  tmp = await tempDir('berth-mint-');
  ca = await createCa(join(tmp.path, 'data'));
});
afterAll(() => tmp.remove());

const names = (dnsNames: string[], ipAddresses: string[] = []) => ({ key: dnsNames[0] ?? ipAddresses[0]!, dnsNames, ipAddresses });

describe('a minted leaf', () => {
  it('carries the SAN, serverAuth EKU, CA:false and a digital-signature key usage, all parsed from the DER', async () => {
    const leaf = await mintLeaf(ca, { names: names(['api.demo.localhost'], ['127.0.0.1', '::1']), key: await generateLeafKey('ec-p256') });
    expect(subjectAltNames(leaf.certPem)).toEqual({ dns: ['api.demo.localhost'], ip: ['127.0.0.1', '::1'] });
    expect(extendedKeyUsages(leaf.certPem)).toEqual([OID.serverAuth]);
    const ext = extensionsOf(leaf.certPem);
    expect(ext.get(OID.basicConstraints)).toMatchObject({ critical: true });
    expect((ext.get(OID.basicConstraints)!.value.value as unknown[]).length).toBe(0);
    expect(ext.get(OID.keyUsage)?.critical).toBe(true);
    expect(ext.has(OID.subjectKeyIdentifier) && ext.has(OID.authorityKeyIdentifier)).toBe(true);
  });

  it('is signed by the root, names it as issuer, and matches its key', async () => {
    const key = await generateLeafKey('ec-p256');
    const leaf = await mintLeaf(ca, { names: names(['a.test']), key });
    const x509 = new X509Certificate(leaf.certPem);
    const root = new X509Certificate(ca.certPem);
    expect(x509.checkIssued(root)).toBe(true);
    expect(x509.verify(root.publicKey)).toBe(true);
    expect(x509.checkPrivateKey(createPrivateKey(leaf.keyPem))).toBe(true);
    expect(x509.publicKey.asymmetricKeyType).toBe('ec');
    expect(x509.keyUsage).toEqual([OID.serverAuth]);
    expect(x509.checkHost('a.test')).toBe('a.test');
  });

  it('stays under the 398-day browser limit, backdated a little for clock skew', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const leaf = await mintLeaf(ca, { names: names(['x.localhost']), key: await generateLeafKey('ec-p256'), now, validityDays: 900 });
    const x509 = new X509Certificate(leaf.certPem);
    const days = (new Date(x509.validTo).getTime() - new Date(x509.validFrom).getTime()) / 86_400_000;
    expect(days).toBeLessThan(398);
    expect(new Date(x509.validFrom).getTime()).toBeLessThan(now.getTime());
  });

  it('mints wildcard certificates on request, and RSA leaves with key encipherment', async () => {
    const leaf = await mintLeaf(ca, { names: names(['*.app.localhost']), key: await generateLeafKey('rsa-2048') });
    const x509 = new X509Certificate(leaf.certPem);
    expect(x509.checkHost('web.app.localhost')).toBe('*.app.localhost');
    expect(x509.publicKey.asymmetricKeyType).toBe('rsa');
    expect(x509.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
  });

  it('leaves the commonName out when the name is longer than X.509 allows', async () => {
    const long = `${'a'.repeat(60)}.localhost`;
    const leaf = await mintLeaf(ca, { names: names([long]), key: await generateLeafKey('ec-p256') });
    const x509 = new X509Certificate(leaf.certPem);
    expect(x509.subject).not.toContain('CN=');
    expect(subjectAltNames(leaf.certPem).dns).toEqual([long]);
  });

  it('gives every leaf its own serial number', async () => {
    const key = await generateLeafKey('ec-p256');
    const serials = await Promise.all([1, 2, 3].map(() => mintLeaf(ca, { names: names(['s.localhost']), key }).then((l) => l.serialNumber)));
    expect(new Set(serials).size).toBe(3);
  });
});
