// Minted leaves on disk (<dataDir>/certs/<root fingerprint prefix>/<name>.pem, key then certificate,
// mode 0600), so a restart serves the same certificates instead of minting them again. A file is used
// only when the current root signed it, it names exactly what is asked, and it is not due for renewal.
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../config/atomic-write.js';
import type { CertificateNames } from './host-names.js';
import type { LocalCa } from './local-ca.js';

export interface CachedLeaf {
  certPem: string;
  keyPem: string;
  notAfter: Date;
}

export class LeafDiskCache {
  private readonly dir: string;
  private readonly root: X509Certificate;

  constructor(dataDir: string, private readonly ca: LocalCa) {
    // One folder per root: leaves of a replaced root are never even read.
    this.dir = join(dataDir, 'certs', ca.fingerprint.slice(0, 16));
    this.root = new X509Certificate(ca.certDer);
  }

  fileFor(names: CertificateNames): string {
    return join(this.dir, `${names.key.replace(/\*/g, '_wildcard').replace(/[^a-z0-9_.@-]/g, '_')}.pem`);
  }

  /** The cached leaf when it is still good until `goodUntil`; undefined otherwise (missing, foreign, stale). */
  async read(names: CertificateNames, goodUntil: number): Promise<CachedLeaf | undefined> {
    let text: string;
    try {
      text = await readFile(this.fileFor(names), 'utf8');
    } catch {
      return undefined;
    }
    const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n?/.exec(text)?.[0];
    const certPem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(text)?.[0];
    if (!keyPem || !certPem) return undefined;
    try {
      const leaf = new X509Certificate(certPem);
      const notAfter = new Date(leaf.validTo);
      if (notAfter.getTime() <= goodUntil || !leaf.checkIssued(this.root) || !leaf.verify(this.root.publicKey)) return undefined;
      if (!sameNames(leaf, names)) return undefined;
      return { certPem, keyPem, notAfter };
    } catch {
      // A damaged cache file is simply minted again and overwritten.
      return undefined;
    }
  }

  write(names: CertificateNames, leaf: CachedLeaf): Promise<void> {
    return writeFileAtomic(this.fileFor(names), `${leaf.keyPem}${leaf.certPem}`, { mode: 0o600, folderMode: 0o700 });
  }
}

function sameNames(leaf: X509Certificate, names: CertificateNames): boolean {
  const entries = (leaf.subjectAltName ?? '').split(', ').filter(Boolean);
  const dns = entries.filter((e) => e.startsWith('DNS:')).map((e) => e.slice(4));
  const ips = entries.filter((e) => e.startsWith('IP Address:'));
  return dns.length === names.dnsNames.length && names.dnsNames.every((n) => dns.includes(n)) && ips.length === names.ipAddresses.length;
}
