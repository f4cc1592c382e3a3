// Mints one leaf certificate: node-forge encodes the TBSCertificate (forge's certificate object only
// holds RSA keys, so the ECDSA subjectPublicKeyInfo is placed by hand), node:crypto signs it.
import forge from 'node-forge';
import type { CertificateNames } from './host-names.js';
import type { LeafKey } from './key-pool.js';
import type { LocalCa } from './local-ca.js';
import { UTF8_STRING, derToPem, pkiEncoders, publicKeyInfo, randomSerialHex, signCertificate, signatureAlgorithm, timeToAsn1 } from './x509-encoding.js';

const { asn1 } = forge;
const DAY_MS = 86_400_000;
/** Browsers reject leaves valid for more than 398 days; a year leaves room for the backdating. */
export const LEAF_VALIDITY_DAYS = 365;
const BACKDATE_MS = 3_600_000;
/** RFC 5280's upper bound for a commonName. */
const MAX_COMMON_NAME = 64;

export interface MintRequest {
  names: CertificateNames;
  key: LeafKey;
  validityDays?: number;
  now?: Date;
}

export interface MintedLeaf {
  names: CertificateNames;
  certPem: string;
  keyPem: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
}

export async function mintLeaf(ca: LocalCa, request: MintRequest): Promise<MintedLeaf> {
  const { names, key } = request;
  const now = request.now ?? new Date();
  const validityDays = Math.min(request.validityDays ?? LEAF_VALIDITY_DAYS, 397);
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const notAfter = new Date(now.getTime() + validityDays * DAY_MS);
  const serialNumber = randomSerialHex();
  const { spki, keyIdentifier } = publicKeyInfo(key.publicKey);

  // A forge certificate object only as the holder of the subject and the extensions it encodes.
  const holder = forge.pki.createCertificate();
  const commonName = names.dnsNames[0] ?? names.ipAddresses[0] ?? 'localhost';
  // UTF8String, not forge's default PrintableString, which cannot hold a wildcard's "*".
  const utf8 = UTF8_STRING;
  holder.setSubject([
    ...(commonName.length <= MAX_COMMON_NAME ? [{ name: 'commonName', value: commonName, valueTagClass: utf8 }] : []),
    { name: 'organizationName', value: 'Berth local development certificate', valueTagClass: utf8 },
  ]);
  holder.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    // RSA keys also encipher (TLS 1.2 RSA key exchange); ECDSA keys only sign.
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: key.algorithm === 'rsa-2048', critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [...names.dnsNames.map((value) => ({ type: 2, value })), ...names.ipAddresses.map((ip) => ({ type: 7, ip }))],
    },
    { name: 'subjectKeyIdentifier', value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, keyIdentifier) },
    ...(ca.keyIdentifier ? [{ name: 'authorityKeyIdentifier', keyIdentifier: ca.keyIdentifier }] : []),
  ]);

  const tbs = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(2).getBytes())]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, forge.util.hexToBytes(serialNumber)),
    signatureAlgorithm(),
    ca.subjectAsn1,
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [timeToAsn1(notBefore), timeToAsn1(notAfter)]),
    forge.pki.distinguishedNameToAsn1(holder.subject),
    spki,
    pkiEncoders.certificateExtensionsToAsn1(holder.extensions),
  ]);
  const der = await signCertificate(tbs, ca.key);
  return {
    names,
    certPem: derToPem(der),
    keyPem: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    serialNumber,
    notBefore,
    notAfter,
  };
}

export interface LeafMinterOptions {
  /** Mints whose main-thread part may run in the same event-loop turn (default 2). */
  concurrency?: number;
  validityDays?: number;
}

/**
 * Mints through a few slots, yielding to the event loop before each one, so a burst of new names is
 * spread over many loop turns instead of holding one: other connections keep being answered.
 */
export class LeafMinter {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  private readonly concurrency: number;

  constructor(
    private readonly ca: LocalCa,
    private readonly keys: { take(): Promise<LeafKey> },
    private readonly options: LeafMinterOptions = {},
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
  }

  async mint(names: CertificateNames, now: Date): Promise<MintedLeaf> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.active++;
    try {
      const key = await this.keys.take();
      await new Promise((resolve) => setImmediate(resolve));
      return await mintLeaf(this.ca, { names, key, validityDays: this.options.validityDays ?? LEAF_VALIDITY_DAYS, now });
    } finally {
      // The slot passes straight to the next waiter, so `active` only drops when nobody waits.
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }
}
