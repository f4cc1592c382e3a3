// What the Certificates screen and the Import pane receive: Berth's CA, where it is trusted, the
// certificates it serves, and an imported template as berth.yaml with its problems. Dates are ISO
// strings so every transport delivers the same values.
import type { BerthConfigInput, DockerSelector } from '../model/index.js';

export type CaView =
  | { state: 'absent'; certFile: string; keyFile: string }
  | {
      state: 'ok';
      certFile: string;
      keyFile: string;
      subject: string;
      /** SHA-256 of the root's DER, lower-case hex. */
      fingerprint: string;
      notBefore: string;
      notAfter: string;
      /** Names the root may vouch for; absent when it is unconstrained. */
      nameConstraints?: string[];
    }
  | { state: 'error'; certFile: string; keyFile: string; message: string };

export interface TrustStoreView {
  store: string;
  label: string;
  /** `other-root`: the store trusts an older Berth root, not the current one. */
  state: 'trusted' | 'not-trusted' | 'other-root' | 'unavailable';
  detail: string;
}

export interface RuntimeTrustView {
  variable: string;
  readers: string;
  value: string;
  current: 'unset' | 'has-root' | 'lacks-root';
  note?: string;
}

export interface CertificateView {
  names: string[];
  serial: string;
  notBefore: string;
  notAfter: string;
  source: 'minted' | 'user';
  certFile?: string;
}

export interface CertificatesResult {
  ca: CaView;
  stores: TrustStoreView[];
  runtimes: RuntimeTrustView[];
  certificates: CertificateView[];
  stats: { minted: number; renewed: number; loadedFromDisk: number; inMemory: number };
}

export interface TrustOutcomeView {
  store: string;
  label: string;
  outcome: 'done' | 'skipped' | 'failed';
  detail: string;
}

export interface TrustCaResult {
  fingerprint?: string;
  /** One entry per store found; empty when the machine has none Berth knows. */
  results: TrustOutcomeView[];
  /** The trust status afterwards, as getCertificates reports it. */
  stores: TrustStoreView[];
}

export interface ImportProblemView {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  /** `file:line:column resource path`, as `berth import` prints it. */
  where: string;
  line?: number;
  column?: number;
  resource?: string;
  path?: string;
}

export interface SelectorProposalView {
  targetGroup: string;
  selector: DockerSelector;
  reason: string;
  confidence: number;
}

export interface ImportConfigResult {
  format: 'cloudformation' | 'terraform';
  /** berth.yaml text; absent when nothing could be imported. */
  yaml?: string;
  /** The same berth.yaml as data (defaults left out), ready for updateConfig. */
  config?: BerthConfigInput;
  problems: ImportProblemView[];
  /** Docker selectors Berth suggests for target groups the file leaves without targets. */
  proposals: SelectorProposalView[];
}
