// What a listener asks the certificate store for (its policy) and what it gets back: the server
// options for node:https / node:tls, the certificate served for a name, and the store's events.
import type { SecureContext, SecureContextOptions } from 'node:tls';
import type { TlsError } from './tls-error.js';
import type { UserCertificateFiles } from './user-certificates.js';

/** TLS settings of a listener (versions, ciphers from its SslPolicy); the store supplies key and cert. */
export type ContextOptions = Omit<SecureContextOptions, 'key' | 'cert' | 'pfx' | 'passphrase'>;

/** What one listener may serve. */
export interface CertificatePolicy {
  /** Names to mint for: exact (`api.demo.localhost`) or wildcard patterns (`*.localhost`). */
  allowedNames: readonly string[];
  /** The listener's own PEM files, SNI-selected; the first one is the default certificate. */
  userCertificates?: readonly UserCertificateFiles[];
  /** The default certificate's name when there are no user certificates (default `localhost`). */
  defaultName?: string;
  contextOptions?: ContextOptions;
}

export type SniCallback = (servername: string, callback: (err: Error | null, context?: SecureContext) => void) => void;

/** Spread into `https.createServer()` or `tls.createServer()`. */
export type SecureServerOptions = ContextOptions & { key: string; cert: string; SNICallback: SniCallback };

export interface ServedCertificate {
  certPem: string;
  keyPem: string;
  notAfter: Date;
  source: 'minted' | 'user';
}

export type CertificateEvent =
  | { type: 'ca-created'; fingerprint: string; file: string }
  | { type: 'minted'; names: string[]; ms: number; renewal: boolean }
  | { type: 'loaded'; names: string[]; file: string }
  | { type: 'refused'; servername: string; reason: 'not-allowed' | 'invalid-name' | 'outside-name-constraints' }
  | { type: 'error'; servername?: string; error: TlsError };
