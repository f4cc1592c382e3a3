// Berth's root CA in the data folder (ca/root.pem, ca/root-key.pem). It is created on first need and
// never replaced behind the user's back: a missing half, an unreadable or a corrupt file is an error
// naming the file, and only `berth ca reset` (createCa with replace) makes a new one.
import { X509Certificate, createPrivateKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { lstat, readFile, rm } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { writeFileAtomic } from '../config/atomic-write.js';
import { nameConstraintsExtension, permittedNames, readPermittedNames, type PermittedNames } from './name-constraints.js';
import { TlsError, reasonOf } from './tls-error.js';
import { SHA256_WITH_RSA, UTF8_STRING, derToPem, fromDerRaw, pkiEncoders, toBinary, fingerprint256, randomSerialHex, signCertificate } from './x509-encoding.js';

const generateKeyPairAsync = promisify(generateKeyPair);
const CA_VALIDITY_YEARS = 10;
const RESET_HINT = 'Berth never replaces its CA by itself: restore the file, or run `berth ca reset` to untrust the old root and make a new one.';

export interface CaPaths {
  dir: string;
  cert: string;
  key: string;
}

export function caPaths(dataDir: string): CaPaths {
  const dir = join(dataDir, 'ca');
  return { dir, cert: join(dir, 'root.pem'), key: join(dir, 'root-key.pem') };
}

export interface LocalCa {
  paths: CaPaths;
  certPem: string;
  certDer: Buffer;
  cert: forge.pki.Certificate;
  key: KeyObject;
  /** SHA-256 of the root's DER, lower-case hex. */
  fingerprint: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  /** The subject's DER-ready ASN.1, reused byte for byte as the leaves' issuer. */
  subjectAsn1: forge.asn1.Asn1;
  /** The root's subject key identifier (binary string), the leaves' authority key identifier. */
  keyIdentifier: string;
  /** Names the root may vouch for; undefined when the root is unconstrained. */
  permitted: PermittedNames | undefined;
}

export interface CreateCaOptions {
  /** Constrain the root to local names (default true). */
  nameConstraints?: boolean;
  /** Extra DNS suffixes the root may vouch for, e.g. `dev.example.com`. */
  permittedSuffixes?: readonly string[];
  /** Replace an existing CA: only `berth ca reset` passes this. */
  replace?: boolean;
  now?: Date;
}

export type CaState = 'absent' | 'present' | 'incomplete';

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new TlsError('ca-unreadable', `Cannot check the Berth CA file ${file}: ${reasonOf(err)}. ${RESET_HINT}`, file);
  }
}

export async function caState(dataDir: string): Promise<CaState> {
  const paths = caPaths(dataDir);
  const [cert, key] = await Promise.all([exists(paths.cert), exists(paths.key)]);
  return cert && key ? 'present' : cert || key ? 'incomplete' : 'absent';
}

async function readCaFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new TlsError('ca-unreadable', `Cannot read the Berth CA file ${file}: ${reasonOf(err)}. ${RESET_HINT}`, file);
  }
}

/** Loads the CA; every failure is a TlsError naming the file, and nothing is ever written. */
export async function loadCa(dataDir: string, now = new Date()): Promise<LocalCa> {
  const paths = caPaths(dataDir);
  const state = await caState(dataDir);
  if (state === 'absent') {
    throw new TlsError('ca-missing', `There is no Berth CA in ${paths.dir} yet; it is created on first need (an HTTPS listener, \`berth ca trust\` or \`berth ca export\`).`, paths.cert);
  }
  if (state === 'incomplete') {
    const [present, missing] = (await exists(paths.cert)) ? [paths.cert, paths.key] : [paths.key, paths.cert];
    throw new TlsError('ca-incomplete', `The Berth CA is incomplete: ${present} exists but ${missing} is missing. ${RESET_HINT}`, missing);
  }
  const [certPem, keyPem] = await Promise.all([readCaFile(paths.cert), readCaFile(paths.key)]);
  return parseCa(paths, certPem, keyPem, now);
}

function parseCa(paths: CaPaths, certPem: string, keyPem: string, now: Date): LocalCa {
  let cert: forge.pki.Certificate;
  let x509: X509Certificate;
  try {
    cert = forge.pki.certificateFromPem(certPem);
    x509 = new X509Certificate(certPem);
  } catch (err) {
    throw new TlsError('ca-corrupt', `The Berth CA certificate ${paths.cert} is corrupt (${reasonOf(err)}). ${RESET_HINT}`, paths.cert);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (err) {
    throw new TlsError('ca-corrupt', `The Berth CA key ${paths.key} is corrupt (${reasonOf(err)}). ${RESET_HINT}`, paths.key);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new TlsError('ca-corrupt', `The Berth CA key ${paths.key} is a ${key.asymmetricKeyType ?? 'unknown'} key, not the RSA key Berth made. ${RESET_HINT}`, paths.key);
  }
  if (!x509.checkPrivateKey(key)) {
    throw new TlsError('ca-mismatch', `The Berth CA key ${paths.key} does not belong to the certificate ${paths.cert}. ${RESET_HINT}`, paths.key);
  }
  if (!x509.ca) throw new TlsError('ca-corrupt', `${paths.cert} is not a CA certificate. ${RESET_HINT}`, paths.cert);
  if (cert.validity.notAfter <= now) {
    throw new TlsError('ca-corrupt', `The Berth CA ${paths.cert} expired on ${cert.validity.notAfter.toISOString()}. Run \`berth ca reset\` to untrust it and make a new one.`, paths.cert);
  }
  const certAsn1 = fromDerRaw(toBinary(x509.raw));
  const tbs = (certAsn1.value as forge.asn1.Asn1[])[0]!;
  const ski = cert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | null;
  return {
    paths,
    certPem,
    certDer: x509.raw,
    cert,
    key,
    fingerprint: fingerprint256(x509.raw),
    subject: x509.subject.replace(/\n/g, ', '),
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
    subjectAsn1: (tbs.value as forge.asn1.Asn1[])[5]!,
    keyIdentifier: ski?.subjectKeyIdentifier ? forge.util.hexToBytes(ski.subjectKeyIdentifier) : '',
    permitted: readPermittedNames(cert),
  };
}

/** Who the root belongs to, so two roots in one trust store can be told apart. */
export function caOwner(): string {
  let user = 'user';
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? process.env.USERNAME ?? user;
  }
  return `${user}@${hostname()}`;
}

/** Creates a new CA; refuses (ca-exists) when any CA file is there, unless `replace` is set. */
export async function createCa(dataDir: string, options: CreateCaOptions = {}): Promise<LocalCa> {
  const paths = caPaths(dataDir);
  if (!options.replace && (await caState(dataDir)) !== 'absent') {
    throw new TlsError('ca-exists', `A Berth CA already exists (${paths.cert}); \`berth ca reset\` replaces it.`, paths.cert);
  }
  const now = options.now ?? new Date();
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 3072 });
  const cert = forge.pki.createCertificate();
  cert.serialNumber = randomSerialHex();
  // Backdated an hour so a machine (or a container) whose clock lags a little still accepts it.
  cert.validity.notBefore = new Date(now.getTime() - 3_600_000);
  cert.validity.notAfter = new Date(now.getTime());
  cert.validity.notAfter.setUTCFullYear(now.getUTCFullYear() + CA_VALIDITY_YEARS);
  const owner = caOwner();
  // UTF8String: forge defaults to PrintableString, which cannot hold the "@" (BoringSSL rejects it).
  const utf8 = UTF8_STRING;
  const subject = [
    { name: 'commonName', value: `Berth local CA ${owner}`, valueTagClass: utf8 },
    { name: 'organizationName', value: 'Berth local development CA', valueTagClass: utf8 },
    { name: 'organizationalUnitName', value: owner, valueTagClass: utf8 },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  const extensions: object[] = [
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ];
  if (options.nameConstraints !== false) extensions.push(nameConstraintsExtension(permittedNames(options.permittedSuffixes)));
  cert.setExtensions(extensions);
  cert.siginfo.algorithmOid = SHA256_WITH_RSA;
  const der = await signCertificate(pkiEncoders.getTBSCertificate(cert), privateKey);
  const certPem = derToPem(der);
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  if (options.replace) await removeCa(dataDir);
  // Key first: a crash in between leaves an incomplete CA, which is reported, never half-used.
  await writeFileAtomic(paths.key, keyPem, { mode: 0o600, exclusive: true, folderMode: 0o700 });
  await writeFileAtomic(paths.cert, certPem, { mode: 0o644, exclusive: true, folderMode: 0o700 });
  return parseCa(paths, certPem, keyPem, now);
}

/** Loads the CA, creating it when there is none at all; any other state is loadCa()'s error. */
export async function loadOrCreateCa(dataDir: string, options: Omit<CreateCaOptions, 'replace'> = {}): Promise<{ ca: LocalCa; created: boolean }> {
  if ((await caState(dataDir)) !== 'absent') return { ca: await loadCa(dataDir), created: false };
  try {
    return { ca: await createCa(dataDir, options), created: true };
  } catch (err) {
    // Another process created it between our check and our write: use theirs once it is complete.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST' && !(err instanceof TlsError && err.reason === 'ca-exists')) throw err;
    for (let attempt = 0; ; attempt++) {
      try {
        return { ca: await loadCa(dataDir), created: false };
      } catch (loadErr) {
        if (attempt >= 20 || !(loadErr instanceof TlsError && loadErr.reason === 'ca-incomplete')) throw loadErr;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }
}

/** Deletes the CA files and the leaves it signed (for `berth ca reset` only). */
export async function removeCa(dataDir: string): Promise<void> {
  const paths = caPaths(dataDir);
  await Promise.all([rm(paths.cert, { force: true }), rm(paths.key, { force: true }), rm(join(dataDir, 'certs'), { recursive: true, force: true })]);
}
