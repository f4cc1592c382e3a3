// Name constraints for the local CA (RFC 5280 4.2.1.10): the root may only vouch for local names, so
// a leaked CA key cannot impersonate a real site. A permitted dNSName "localhost" covers localhost and
// every name under it; the permitted IP ranges are loopback only.
import forge from 'node-forge';

const { asn1 } = forge;

/** Local-only suffixes; `.test` and `.internal` are reserved for private use (RFC 6761, ICANN 2024). */
export const DEFAULT_PERMITTED_DNS = ['localhost', 'test', 'internal'] as const;

/** 127.0.0.0/8 and ::1/128 as iPAddress constraints: address bytes followed by mask bytes. */
const LOOPBACK_RANGES: readonly number[][] = [
  [127, 0, 0, 0, 255, 0, 0, 0],
  [...new Array<number>(15).fill(0), 1, ...new Array<number>(16).fill(255)],
];

export interface PermittedNames {
  dns: string[];
  /** Human-readable form of the IP ranges, for `berth ca show`. */
  ip: string[];
}

/** `.Example.test` and `*.example.test` both mean the subtree example.test. */
export function normalizeSuffix(suffix: string): string {
  return suffix.trim().toLowerCase().replace(/^\*?\.+/, '').replace(/\.$/, '');
}

export function permittedNames(extraSuffixes: readonly string[] = []): PermittedNames {
  const dns = [...new Set([...DEFAULT_PERMITTED_DNS, ...extraSuffixes.map(normalizeSuffix).filter(Boolean)])];
  return { dns, ip: ['127.0.0.0/8', '::1/128'] };
}

/** The extension for forge's setExtensions(); critical, as RFC 5280 requires. */
export function nameConstraintsExtension(permitted: PermittedNames): { id: string; critical: true; value: forge.asn1.Asn1 } {
  const subtree = (tag: number, bytes: string) =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, false, bytes)]);
  const subtrees = [
    ...permitted.dns.map((name) => subtree(2, name)),
    ...LOOPBACK_RANGES.map((bytes) => subtree(7, String.fromCharCode(...bytes))),
  ];
  const value = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, subtrees)]);
  return { id: '2.5.29.30', critical: true, value };
}

interface ParsedSubtree {
  type: number;
  value: string;
}

/** The permitted names of a CA certificate parsed by forge; undefined when it is unconstrained. */
export function readPermittedNames(cert: forge.pki.Certificate): PermittedNames | undefined {
  const ext = cert.getExtension('nameConstraints') as { permittedSubtrees?: ParsedSubtree[] } | null;
  if (!ext?.permittedSubtrees) return undefined;
  const dns = ext.permittedSubtrees.filter((s) => s.type === 2).map((s) => s.value.toLowerCase());
  const ip = ext.permittedSubtrees.filter((s) => s.type === 7).map((s) => describeRange(s.value));
  return { dns, ip };
}

function describeRange(bytes: string): string {
  const octets = [...bytes].map((c) => c.charCodeAt(0));
  const half = octets.length / 2;
  const prefix = octets.slice(half).reduce((n, b) => n + b.toString(2).replace(/0/g, '').length, 0);
  if (half === 4) return `${octets.slice(0, 4).join('.')}/${prefix}`;
  const groups = [];
  for (let i = 0; i < half; i += 2) groups.push(((octets[i]! << 8) | octets[i + 1]!).toString(16));
  return `${groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')}/${prefix}`;
}

/**
 * Whether a certificate name (exact or `*.` wildcard) falls inside the permitted DNS subtrees, with
 * RFC 5280's rule: the constraint is the name itself or a whole-label suffix of it.
 */
export function isPermittedDnsName(name: string, permitted: PermittedNames | undefined): boolean {
  if (!permitted) return true;
  const base = name.toLowerCase().replace(/^\*\./, '');
  return permitted.dns.some((c) => base === c || base.endsWith(`.${c}`));
}
