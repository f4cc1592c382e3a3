// Reads a leaf's extensions straight from its DER with forge's ASN.1 parser (forge's certificate
// parser only takes RSA keys), so the tests check the encoding independently of node's X509 view.
import forge from 'node-forge';

/** forge has it; @types/node-forge does not declare it. */
const bytesToIP = (bytes: string): string => (forge.util as unknown as { bytesToIP(b: string): string }).bytesToIP(bytes);

export interface ParsedExtension {
  critical: boolean;
  /** The extension's inner value as ASN.1. */
  value: forge.asn1.Asn1;
}

export function pemToAsn1(pem: string): forge.asn1.Asn1 {
  return forge.asn1.fromDer(forge.pem.decode(pem)[0]!.body);
}

export function extensionsOf(pem: string): Map<string, ParsedExtension> {
  const tbs = (pemToAsn1(pem).value as forge.asn1.Asn1[])[0]!;
  const wrapper = (tbs.value as forge.asn1.Asn1[]).find((n) => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && n.type === 3)!;
  const result = new Map<string, ParsedExtension>();
  for (const ext of (wrapper.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[]) {
    const parts = ext.value as forge.asn1.Asn1[];
    const oid = forge.asn1.derToOid(parts[0]!.value as string);
    const critical = parts.length === 3 && (parts[1]!.value as string) === '\xff';
    result.set(oid, { critical, value: forge.asn1.fromDer(parts[parts.length - 1]!.value as string) });
  }
  return result;
}

/** DNS names (type 2) and IP addresses (type 7, as text) of a subjectAltName extension. */
export function subjectAltNames(pem: string): { dns: string[]; ip: string[] } {
  const san = extensionsOf(pem).get('2.5.29.17');
  const names = (san?.value.value as forge.asn1.Asn1[] | undefined) ?? [];
  return {
    dns: names.filter((n) => n.type === 2).map((n) => n.value as string),
    ip: names.filter((n) => n.type === 7).map((n) => bytesToIP(n.value as string)),
  };
}

export function extendedKeyUsages(pem: string): string[] {
  const eku = extensionsOf(pem).get('2.5.29.37');
  return ((eku?.value.value as forge.asn1.Asn1[] | undefined) ?? []).map((n) => forge.asn1.derToOid(n.value as string));
}

export const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  nameConstraints: '2.5.29.30',
  authorityKeyIdentifier: '2.5.29.35',
  subjectKeyIdentifier: '2.5.29.14',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;
