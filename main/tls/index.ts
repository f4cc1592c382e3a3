// The local TLS machinery: Berth's CA, leaves minted per host on demand, the one certificate store
// listeners take their TLS options from, and the trust-store installers behind `berth ca`.
export { CertificateStore, type CertificateStoreOptions, type StoredCertificate } from './certificate-store.js';
export type { CertificateEvent, CertificatePolicy, ContextOptions, SecureServerOptions, ServedCertificate, SniCallback } from './certificate-policy.js';
export { caPaths, caState, createCa, loadCa, loadOrCreateCa, removeCa, caOwner, type CaPaths, type CaState, type CreateCaOptions, type LocalCa } from './local-ca.js';
export { LeafMinter, mintLeaf, LEAF_VALIDITY_DAYS, type LeafMinterOptions, type MintRequest, type MintedLeaf } from './leaf-minter.js';
export { KeyPool, generateLeafKey, type KeyPoolOptions, type LeafKey, type LeafKeyAlgorithm } from './key-pool.js';
export { compileNamePolicy, defaultCertificateNames, normalizeServername, type CertificateNames, type NamePolicy } from './host-names.js';
export { DEFAULT_PERMITTED_DNS, isPermittedDnsName, permittedNames, type PermittedNames } from './name-constraints.js';
export { loadUserCertificate, selectUserCertificate, type UserCertificate, type UserCertificateFiles } from './user-certificates.js';
export { TlsError, type TlsErrorReason } from './tls-error.js';
export { TLS_HANDSHAKE_TIMEOUT_MS } from './handshake-timeout.js';
export { checkTrust, rootIdentity, systemTrustEnvironment, trustRoot, trustStores, untrustRoot } from './trust-store.js';
export { BERTH_NICKNAME_PREFIX, rootNickname, type CommandResult, type RootIdentity, type TrustEnvironment, type TrustResult, type TrustStatus, type TrustStoreHandler, type UntrustTarget } from './trust-common.js';
export { anchorFileName } from './trust-linux.js';
export { findNssDatabases, parseCertutilList } from './trust-nss.js';
export { parseThumbprints } from './trust-macos-windows.js';
export { formatDoctor, runDoctor, type DoctorReport, type RuntimeAdvice } from './doctor.js';
