// `berth ca doctor`: is the CA sound, which stores trust it (and is it the current root or an older
// one), and which environment variables the runtimes that ignore the OS store need.
import { readFile } from 'node:fs/promises';
import { caPaths, loadCa, type LocalCa } from './local-ca.js';
import { TlsError, reasonOf } from './tls-error.js';
import { checkTrust, rootIdentity, systemTrustEnvironment } from './trust-store.js';
import type { RootIdentity, TrustEnvironment, TrustStatus } from './trust-common.js';

/** Bundles that hold the OS store's roots, Berth's included once `berth ca trust` ran (Linux). */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt'];

export interface RuntimeAdvice {
  variable: 'NODE_EXTRA_CA_CERTS' | 'SSL_CERT_FILE' | 'REQUESTS_CA_BUNDLE' | 'CURL_CA_BUNDLE';
  /** Who reads it. */
  readers: string;
  /** The value to set. */
  value: string;
  /** What it holds now: unset, a file with Berth's root, or a file without it. */
  current: 'unset' | 'has-root' | 'lacks-root';
  note?: string;
}

export interface DoctorReport {
  ca: { ok: true; fingerprint: string; subject: string; notBefore: Date; notAfter: Date; certFile: string; permitted: string[] | undefined } | { ok: false; certFile: string; error: TlsError };
  stores: TrustStatus[];
  runtimes: RuntimeAdvice[];
}

const pemBody = (pem: string): string => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');

async function fileHas(file: string, certPem: string): Promise<boolean> {
  try {
    return (await readFile(file, 'utf8')).replace(/\s+/g, '').includes(pemBody(certPem));
  } catch {
    return false;
  }
}

export async function runDoctor(dataDir: string, env: TrustEnvironment = systemTrustEnvironment(), processEnv: NodeJS.ProcessEnv = process.env): Promise<DoctorReport> {
  let ca: LocalCa | undefined;
  let error: TlsError | undefined;
  try {
    ca = await loadCa(dataDir);
  } catch (err) {
    error = err instanceof TlsError ? err : new TlsError('ca-corrupt', reasonOf(err));
  }
  // Without a readable root, the stores are still searched for Berth roots (all of them "other").
  const root: RootIdentity = ca ? rootIdentity(ca) : { certPem: '', certFile: caPaths(dataDir).cert, fingerprint: '-', sha1: '-', commonName: '' };
  const stores = await checkTrust(root, env);
  const certFile = caPaths(dataDir).cert;
  return {
    ca: ca
      ? { ok: true, fingerprint: ca.fingerprint, subject: ca.subject, notBefore: ca.notBefore, notAfter: ca.notAfter, certFile, permitted: ca.permitted ? [...ca.permitted.dns, ...ca.permitted.ip] : undefined }
      : { ok: false, certFile, error: error! },
    stores,
    runtimes: ca ? await runtimeAdvice(ca, processEnv) : [],
  };
}

async function runtimeAdvice(ca: LocalCa, processEnv: NodeJS.ProcessEnv): Promise<RuntimeAdvice[]> {
  let bundle: string | undefined;
  for (const file of SYSTEM_BUNDLES) {
    if (await fileHas(file, ca.certPem)) {
      bundle = file;
      break;
    }
  }
  // These variables replace the runtime's roots: a bundle with the public roots keeps other sites working.
  const replacing = bundle ?? ca.paths.cert;
  const note = bundle ? undefined : 'holds only Berth\'s root, so public sites fail with it; after `berth ca trust` on Linux the system bundle is suggested instead';
  const current = async (variable: RuntimeAdvice['variable']): Promise<RuntimeAdvice['current']> => {
    const value = processEnv[variable];
    if (!value) return 'unset';
    return (await fileHas(value, ca.certPem)) ? 'has-root' : 'lacks-root';
  };
  const advice = async (variable: RuntimeAdvice['variable'], readers: string, value: string, withNote?: string): Promise<RuntimeAdvice> => ({
    variable,
    readers,
    value,
    current: await current(variable),
    ...(withNote ? { note: withNote } : {}),
  });
  return Promise.all([
    // Node adds these to its own roots instead of replacing them, so the root alone is right.
    advice('NODE_EXTRA_CA_CERTS', 'Node.js (ignores the OS store)', ca.paths.cert),
    advice('SSL_CERT_FILE', 'OpenSSL-based runtimes: Python ssl, Ruby, Go, PHP', replacing, note),
    advice('REQUESTS_CA_BUNDLE', 'Python requests (certifi)', replacing, note),
    advice('CURL_CA_BUNDLE', 'curl builds with their own bundle', replacing, note),
  ]);
}

const STATE_WORDS: Record<TrustStatus['state'], string> = {
  trusted: 'trusted',
  'not-trusted': 'not trusted',
  'other-root': 'OLD ROOT',
  unavailable: 'unavailable',
};

export function formatDoctor(report: DoctorReport): string {
  const lines: string[] = [];
  if (report.ca.ok) {
    lines.push(`CA        ${report.ca.certFile}`, `          ${report.ca.subject}`, `          SHA-256 ${report.ca.fingerprint}`, `          valid until ${report.ca.notAfter.toISOString().slice(0, 10)}`);
    lines.push(`          ${report.ca.permitted ? `name constraints: ${report.ca.permitted.join(', ')}` : 'no name constraints'}`);
  } else {
    lines.push(`CA        problem: ${report.ca.error.message}`);
  }
  lines.push('', 'Trust stores');
  if (report.stores.length === 0) lines.push('  none found on this machine');
  for (const s of report.stores) lines.push(`  ${STATE_WORDS[s.state].padEnd(13)}${s.label}: ${s.detail}`);
  if (report.stores.some((s) => s.state === 'other-root')) lines.push('  A store trusts an older Berth root: `berth ca untrust` and `berth ca trust` fix it.');
  if (report.ca.ok && !report.stores.some((s) => s.state === 'trusted')) lines.push('  Berth\'s root is trusted nowhere yet: run `berth ca trust`.');
  if (report.runtimes.length > 0) {
    lines.push('', 'Runtimes that ignore the OS store: add these lines to your shell profile');
    for (const r of report.runtimes) {
      const now = r.current === 'has-root' ? 'set, includes Berth\'s root' : r.current === 'lacks-root' ? 'set, WITHOUT Berth\'s root' : 'unset';
      lines.push(`  export ${r.variable}=${shellQuote(r.value)}    # ${r.readers}; now ${now}`);
      if (r.note) lines.push(`      (${r.note})`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function shellQuote(value: string): string {
  return /^[\w./@:-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
