// Which names a listener may mint certificates for, and what each certificate covers. Patterns use
// the rule matcher's wildcards (`*` spans dots, as in AWS host-header conditions); a pattern shaped
// `*.a.b` gets one wildcard certificate for the names one label below `a.b`, anything else exact ones.
import { isIP } from 'node:net';
import { compileWildcard, hasWildcard, type Wildcard } from '../../shared/rules/index.js';

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** A server name as a certificate may hold it (lower case, no trailing dot), or undefined for junk. */
export function normalizeServername(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const host = name.toLowerCase().replace(/\.$/, '');
  if (host.length > 253 || isIP(host)) return undefined;
  return host.split('.').every((label) => LABEL.test(label)) ? host : undefined;
}

/** What one certificate covers; `key` names it in the caches and on disk. */
export interface CertificateNames {
  key: string;
  dnsNames: string[];
  ipAddresses: string[];
}

export interface NamePolicy {
  /** The certificate to mint for an allowed name, or undefined when the name is not allowed. */
  namesFor(servername: string): CertificateNames | undefined;
}

/** Browsers ignore a wildcard directly under a single label (`*.localhost`), so those stay exact. */
function wildcardSuffix(pattern: string): string | undefined {
  const match = /^\*\.([^*?]+)$/.exec(pattern);
  return match && match[1]!.includes('.') ? match[1] : undefined;
}

export function compileNamePolicy(allowedNames: readonly string[]): NamePolicy {
  const exact = new Set<string>();
  const wildcards: Wildcard[] = [];
  const wildcardSuffixes: string[] = [];
  for (const raw of allowedNames) {
    const pattern = raw.trim().toLowerCase().replace(/\.$/, '');
    if (!pattern) continue;
    if (!hasWildcard(pattern)) exact.add(pattern);
    else wildcards.push(compileWildcard(pattern, { ignoreCase: true }));
    const suffix = wildcardSuffix(pattern);
    if (suffix) wildcardSuffixes.push(suffix);
  }
  return {
    namesFor(servername) {
      if (!exact.has(servername) && !wildcards.some((w) => w.test(servername))) return undefined;
      const dot = servername.indexOf('.');
      const parent = servername.slice(dot + 1);
      if (!exact.has(servername) && dot > 0 && wildcardSuffixes.includes(parent)) {
        return { key: `*.${parent}`, dnsNames: [`*.${parent}`], ipAddresses: [] };
      }
      return { key: servername, dnsNames: [servername], ipAddresses: [] };
    },
  };
}

/** The listener's default certificate (`localhost` also covers the loopback addresses); its key cannot clash with a host name. */
export function defaultCertificateNames(defaultName = 'localhost'): CertificateNames {
  const name = defaultName.toLowerCase();
  if (isIP(name)) return { key: `@default-${name}`, dnsNames: [], ipAddresses: [name] };
  const loopback = name === 'localhost' ? ['127.0.0.1', '::1'] : [];
  return { key: `@default-${name}`, dnsNames: [name], ipAddresses: loopback };
}
