// The DER pieces both the CA and the leaf minter need. node-forge builds the ASN.1; node:crypto
// signs the TBS bytes on libuv's thread pool, because forge's pure-JS RSA would block the event loop.
import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

const { asn1 } = forge;

/** Two forge encoders @types/node-forge does not declare. */
export const pkiEncoders = forge.pki as typeof forge.pki & {
  getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1;
  certificateExtensionsToAsn1(extensions: unknown[]): forge.asn1.Asn1;
};
/** UTF8String for name attributes; @types/node-forge types `valueTagClass` as a class, not a tag. */
export const UTF8_STRING = asn1.Type.UTF8 as unknown as forge.asn1.Class;

/** DER to ASN.1 without forge's guess that a BIT STRING's contents are ASN.1 (key bits are not). */
export function fromDerRaw(bytes: string): forge.asn1.Asn1 {
  return (asn1.fromDer as unknown as (b: string, o: { decodeBitStrings: boolean }) => forge.asn1.Asn1)(bytes, { decodeBitStrings: false });
}

export const SHA256_WITH_RSA = forge.pki.oids.sha256WithRSAEncryption!;

/** DER bytes (Buffer) to forge's binary-string form and back. */
export const toBinary = (der: Uint8Array): string => Buffer.from(der).toString('binary');
export const fromBinary = (bytes: string): Buffer => Buffer.from(bytes, 'binary');

/** A positive 128-bit serial: random, so two minted certificates never share one. */
export function randomSerialHex(): string {
  const bytes = randomBytes(16);
  // Positive, and never a leading zero byte: DER wants the shortest encoding and BoringSSL insists.
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/** RFC 5280: UTCTime up to 2049, GeneralizedTime from 2050 on. */
export function timeToAsn1(date: Date): forge.asn1.Asn1 {
  return date.getUTCFullYear() >= 2050
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date))
    : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(date));
}

export function signatureAlgorithm(): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(SHA256_WITH_RSA).getBytes()),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
  ]);
}

/** Signs a TBSCertificate with the CA's RSA key off the main thread; resolves with the certificate's DER. */
export async function signCertificate(tbs: forge.asn1.Asn1, caKey: KeyObject): Promise<Buffer> {
  const tbsDer = fromBinary(asn1.toDer(tbs).getBytes());
  const signature = await new Promise<Buffer>((resolve, reject) => {
    sign('sha256', tbsDer, caKey, (err, sig) => (err ? reject(err) : resolve(sig)));
  });
  const certificate = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    signatureAlgorithm(),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\x00${toBinary(signature)}`),
  ]);
  return fromBinary(asn1.toDer(certificate).getBytes());
}

export function derToPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const body = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${body}${body.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

/** The subjectPublicKeyInfo of a node key as forge ASN.1, and its RFC 5280 (method 1) key identifier. */
export function publicKeyInfo(publicKey: KeyObject): { spki: forge.asn1.Asn1; keyIdentifier: string } {
  const spki = fromDerRaw(toBinary(publicKey.export({ type: 'spki', format: 'der' })));
  const bits = (spki.value as forge.asn1.Asn1[])[1]!.value as string;
  // SHA-1 over the BIT STRING's contents, without its leading unused-bits byte.
  const keyIdentifier = createHash('sha1').update(fromBinary(bits.slice(1))).digest('binary');
  return { spki, keyIdentifier };
}

/** SHA-256 of the DER, lower-case hex without separators: how Berth names a root everywhere. */
export function fingerprint256(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/** The first certificate's DER in a PEM text, or undefined. */
export function pemToDer(pem: string): Buffer | undefined {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  return match ? Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64') : undefined;
}
