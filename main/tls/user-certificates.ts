// Certificates the user brings (PEM certificate, optionally followed by its chain, and a PEM key):
// served as given, chosen by SNI against their own names, exact matches before wildcards.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { TlsError, reasonOf } from './tls-error.js';

export interface UserCertificateFiles {
  certFile: string;
  keyFile: string;
}

export interface UserCertificate {
  files: UserCertificateFiles;
  certPem: string;
  keyPem: string;
  leaf: X509Certificate;
  /** Modification times when loaded, so a listener restart picks up a replaced file. */
  mtimes: [number, number];
}

async function readPem(file: string, what: string): Promise<{ text: string; mtime: number }> {
  try {
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    return { text, mtime: info.mtimeMs };
  } catch (err) {
    throw new TlsError('certificate-unreadable', `Cannot read the ${what} ${file}: ${reasonOf(err)}`, file);
  }
}

export async function loadUserCertificate(files: UserCertificateFiles): Promise<UserCertificate> {
  const certFile = resolve(files.certFile);
  const keyFile = resolve(files.keyFile);
  const [cert, key] = await Promise.all([readPem(certFile, 'certificate file'), readPem(keyFile, 'key file')]);
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert.text);
  } catch (err) {
    throw new TlsError('certificate-invalid', `${certFile} holds no PEM certificate Berth can read (${reasonOf(err)})`, certFile);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key.text);
  } catch (err) {
    throw new TlsError('certificate-invalid', `${keyFile} holds no unencrypted PEM private key Berth can read (${reasonOf(err)})`, keyFile);
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new TlsError('certificate-invalid', `The key ${keyFile} does not belong to the certificate ${certFile}`, keyFile);
  }
  return { files: { certFile, keyFile }, certPem: cert.text, keyPem: key.text, leaf, mtimes: [cert.mtime, key.mtime] };
}

/** True when a file changed since the certificate was loaded (or cannot be checked any more). */
export async function isStale(cert: UserCertificate): Promise<boolean> {
  try {
    const [c, k] = await Promise.all([stat(cert.files.certFile), stat(cert.files.keyFile)]);
    return c.mtimeMs !== cert.mtimes[0] || k.mtimeMs !== cert.mtimes[1];
  } catch {
    return true;
  }
}

/** The certificate for a server name: an exact SAN match wins over a wildcard one, then list order. */
export function selectUserCertificate(certificates: readonly UserCertificate[], servername: string): UserCertificate | undefined {
  let wildcard: UserCertificate | undefined;
  for (const cert of certificates) {
    const matched = cert.leaf.checkHost(servername);
    if (!matched) continue;
    if (!matched.startsWith('*')) return cert;
    wildcard ??= cert;
  }
  return wildcard;
}
