// The Certificates screen's methods: the CA and its trust as `berth ca doctor` reports them, the
// certificates the store serves, and `berth ca export|trust|untrust` over the contract, running the
// same trust code per store so each store's outcome comes back on its own.
import type { CertificatesResult, TrustCaResult } from '../../shared/contract/index.js';
import {
  caPaths, caState, checkTrust, loadCa, loadOrCreateCa, rootIdentity, runDoctor, trustRoot, untrustRoot,
  type CertificateStore, type TrustEnvironment, type UntrustTarget,
} from '../tls/index.js';

export async function getCertificates(store: CertificateStore, env: TrustEnvironment): Promise<CertificatesResult> {
  const paths = caPaths(store.dataDir);
  const files = { certFile: paths.cert, keyFile: paths.key };
  const absent = (await caState(store.dataDir)) === 'absent';
  const report = await runDoctor(store.dataDir, env);
  const ca: CertificatesResult['ca'] = absent
    ? { state: 'absent', ...files }
    : report.ca.ok
      ? {
          state: 'ok',
          ...files,
          subject: report.ca.subject,
          fingerprint: report.ca.fingerprint,
          notBefore: report.ca.notBefore.toISOString(),
          notAfter: report.ca.notAfter.toISOString(),
          ...(report.ca.permitted ? { nameConstraints: report.ca.permitted } : {}),
        }
      : { state: 'error', ...files, message: report.ca.error.message };
  const certificates = store.list().sort((a, b) => a.source.localeCompare(b.source) || a.names[0]!.localeCompare(b.names[0]!));
  const { minted, renewed, loadedFromDisk, inMemory } = store.stats();
  return { ca, stores: report.stores, runtimes: report.runtimes, certificates, stats: { minted, renewed, loadedFromDisk, inMemory } };
}

export async function exportCa(store: CertificateStore): Promise<{ certPem: string; certFile: string; created: boolean }> {
  const { ca, created } = await loadOrCreateCa(store.dataDir);
  return { certPem: ca.certPem, certFile: ca.paths.cert, created };
}

export async function trustCa(store: CertificateStore, env: TrustEnvironment): Promise<TrustCaResult> {
  const { ca } = await loadOrCreateCa(store.dataDir);
  const root = rootIdentity(ca);
  const results = await trustRoot(root, env);
  return { fingerprint: root.fingerprint, results, stores: await checkTrust(root, env) };
}

export async function untrustCa(store: CertificateStore, env: TrustEnvironment): Promise<TrustCaResult> {
  const target = await untrustTarget(store.dataDir);
  const results = await untrustRoot(target, env);
  if (!('fingerprint' in target)) return { results, stores: [] };
  return { fingerprint: target.fingerprint, results, stores: await checkTrust(target, env) };
}

/** As `berth ca untrust`: the current root, or every Berth root when there is none to read. */
async function untrustTarget(dataDir: string): Promise<UntrustTarget> {
  if ((await caState(dataDir)) === 'absent') return { allBerthRoots: true };
  try {
    return rootIdentity(await loadCa(dataDir));
  } catch {
    return { allBerthRoots: true };
  }
}
