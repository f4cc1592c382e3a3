// What the trust-store installers share: the root as the stores see it, the per-store outcomes,
// and the machine they run on (commands behind an interface so the plans can be tested anywhere).
import { userInfo } from 'node:os';

/** The root as the stores need it. */
export interface RootIdentity {
  certPem: string;
  certFile: string;
  /** SHA-256, lower-case hex: Berth's name for a root. */
  fingerprint: string;
  /** SHA-1, upper-case hex: the thumbprint macOS and Windows tools take. */
  sha1: string;
  commonName: string;
}

/** What to take out of the stores: one root, or every root Berth ever installed (for `ca reset`). */
export type UntrustTarget = RootIdentity | { allBerthRoots: true };

export interface TrustResult {
  store: string;
  label: string;
  outcome: 'done' | 'skipped' | 'failed';
  detail: string;
}

export interface TrustStatus {
  store: string;
  label: string;
  /** `other-root`: the store trusts a Berth root, but not the current one. */
  state: 'trusted' | 'not-trusted' | 'other-root' | 'unavailable';
  detail: string;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TrustEnvironment {
  platform: NodeJS.Platform;
  home: string;
  isRoot: boolean;
  run(command: string, args: readonly string[], options?: { input?: string }): Promise<CommandResult>;
  has(command: string): Promise<boolean>;
}

export interface TrustStoreHandler {
  id: string;
  label: string;
  /** What install() does and what it needs, for the explanation `berth ca trust` prints first. */
  plan: string;
  install(root: RootIdentity): Promise<TrustResult>;
  remove(target: UntrustTarget): Promise<TrustResult>;
  check(root: RootIdentity): Promise<TrustStatus>;
}

export const BERTH_NICKNAME_PREFIX = 'Berth local CA';

/** The name a root gets in stores that name their entries: unique per root, recognisably Berth's. */
export function rootNickname(fingerprint: string): string {
  return `${BERTH_NICKNAME_PREFIX} ${fingerprint.slice(0, 16)}`;
}

export function isRootTarget(target: UntrustTarget): target is RootIdentity {
  return !('allBerthRoots' in target);
}

/** The machine user, for explanations ("the login keychain of alice"). */
export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'this user';
  }
}

/** `code N: first line of stderr`, for a failed command's detail. */
export function commandFailure(command: string, result: CommandResult): string {
  const why = (result.stderr || result.stdout).trim().split('\n').filter(Boolean).slice(-2).join(' ');
  return `${command} exited with ${result.code}${why ? `: ${why}` : ''}`;
}
