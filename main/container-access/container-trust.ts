// The files that let containers trust Berth's CA without rebuilding their images: the root alone
// (for NODE_EXTRA_CA_CERTS, which adds to Node's own roots) and a bundle of the host's public roots
// plus Berth's (for SSL_CERT_FILE, REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE, which replace the roots).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { writeFileAtomic } from '../config/atomic-write.js';
import { loadOrCreateCa } from '../tls/index.js';

/** Where the files are mounted inside a container. */
export const CONTAINER_TRUST_DIR = '/etc/berth';
export const ROOT_FILE = 'root.pem';
export const BUNDLE_FILE = 'ca-bundle.pem';

/** The system bundles of the common distributions and macOS, first found wins. */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];

export function containerTrustDir(dataDir: string): string {
  return join(dataDir, 'containers');
}

/** Writes (or refreshes) both files from the CA, creating the CA on first need; returns the folder. */
export async function writeContainerTrust(dataDir: string): Promise<string> {
  const { ca } = await loadOrCreateCa(dataDir);
  const dir = containerTrustDir(dataDir);
  const roots = await hostRoots();
  const root = ca.certPem.endsWith('\n') ? ca.certPem : `${ca.certPem}\n`;
  await writeFileAtomic(join(dir, ROOT_FILE), root, { mode: 0o644, folderMode: 0o755 });
  await writeFileAtomic(join(dir, BUNDLE_FILE), `${roots.trimEnd()}\n# Berth local development CA\n${root}`, { mode: 0o644 });
  return dir;
}

async function hostRoots(): Promise<string> {
  for (const file of SYSTEM_BUNDLES) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text?.includes('BEGIN CERTIFICATE')) return text;
  }
  return rootCertificates.join('\n');
}
