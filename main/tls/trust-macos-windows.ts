// The macOS login keychain (`security`) and the Windows current-user Root store (Windows' certutil).
// Both need no administrator rights; each shows the user its own confirmation dialog.
import { join } from 'node:path';
import { caOwner } from './local-ca.js';
import {
  BERTH_NICKNAME_PREFIX, commandFailure, currentUser, isRootTarget,
  type RootIdentity, type TrustEnvironment, type TrustResult, type TrustStatus, type TrustStoreHandler, type UntrustTarget,
} from './trust-common.js';

/** SHA-1 thumbprints listed by `security find-certificate -Z` or `certutil -store`. */
export function parseThumbprints(output: string): string[] {
  const hashes = [...output.matchAll(/(?:SHA-1 hash:|Cert Hash\(sha1\):)\s*([0-9a-fA-F ]{40,59})/g)];
  return hashes.map((m) => m[1]!.replace(/\s+/g, '').toUpperCase());
}

export function macosKeychainStore(env: TrustEnvironment): TrustStoreHandler {
  const keychain = join(env.home, 'Library', 'Keychains', 'login.keychain-db');
  const id = 'macos-login-keychain';
  const label = 'macOS login keychain';
  const result = (outcome: TrustResult['outcome'], detail: string): TrustResult => ({ store: id, label, outcome, detail });
  const berthHashes = async () => parseThumbprints((await env.run('security', ['find-certificate', '-a', '-c', BERTH_NICKNAME_PREFIX, '-Z', keychain])).stdout);
  return {
    id,
    label,
    plan: `add the root to ${keychain} as trusted for SSL (macOS asks for ${currentUser()}'s password); Safari, Chrome, curl and Firefox (enterprise roots) then trust it`,
    async install(root: RootIdentity) {
      const added = await env.run('security', ['add-trusted-cert', '-r', 'trustRoot', '-p', 'ssl', '-k', keychain, root.certFile]);
      return added.code === 0 ? result('done', `added to ${keychain}`) : result('failed', commandFailure('security add-trusted-cert', added));
    },
    async remove(target: UntrustTarget) {
      const present = await berthHashes();
      const hashes = isRootTarget(target) ? present.filter((h) => h === target.sha1) : present;
      if (hashes.length === 0) return result('skipped', 'no Berth root in the login keychain');
      for (const hash of hashes) {
        // -t also deletes the trust settings, which would otherwise outlive the certificate.
        const deleted = await env.run('security', ['delete-certificate', '-t', '-Z', hash, keychain]);
        if (deleted.code !== 0) return result('failed', commandFailure('security delete-certificate', deleted));
      }
      return result('done', `removed ${hashes.length} certificate(s) from ${keychain}`);
    },
    async check(root: RootIdentity): Promise<TrustStatus> {
      const present = await berthHashes();
      if (!present.includes(root.sha1)) {
        return present.length > 0
          ? { store: id, label, state: 'other-root', detail: 'an older Berth root is in the login keychain, not the current one' }
          : { store: id, label, state: 'not-trusted', detail: 'not in the login keychain' };
      }
      const verified = await env.run('security', ['verify-cert', '-c', root.certFile, '-p', 'ssl']);
      return verified.code === 0
        ? { store: id, label, state: 'trusted', detail: `in ${keychain}, trusted for SSL` }
        : { store: id, label, state: 'not-trusted', detail: `in ${keychain} but not trusted: ${commandFailure('security verify-cert', verified)}` };
    },
  };
}

export function windowsRootStore(env: TrustEnvironment): TrustStoreHandler {
  const id = 'windows-user-root';
  const label = 'Windows current-user Root store';
  const result = (outcome: TrustResult['outcome'], detail: string): TrustResult => ({ store: id, label, outcome, detail });
  const hashesFor = async (certId: string) => {
    const listed = await env.run('certutil', ['-user', '-store', 'Root', certId]);
    return listed.code === 0 ? parseThumbprints(listed.stdout) : [];
  };
  return {
    id,
    label,
    plan: `add the root to ${currentUser()}'s Root store with certutil -user -addstore (Windows asks to confirm); Edge, Chrome, curl (schannel) and .NET then trust it`,
    async install(root: RootIdentity) {
      const added = await env.run('certutil', ['-user', '-addstore', 'Root', root.certFile]);
      return added.code === 0 ? result('done', 'added to the current-user Root store') : result('failed', commandFailure('certutil -addstore', added));
    },
    async remove(target: UntrustTarget) {
      // Without the root itself, look for roots named like Berth's current owner's.
      const hashes = isRootTarget(target) ? (await hashesFor(target.sha1)) : await hashesFor(`${BERTH_NICKNAME_PREFIX} ${caOwner()}`);
      if (hashes.length === 0) return result('skipped', 'no Berth root in the current-user Root store');
      for (const hash of hashes) {
        const deleted = await env.run('certutil', ['-user', '-delstore', 'Root', hash]);
        if (deleted.code !== 0) return result('failed', commandFailure('certutil -delstore', deleted));
      }
      return result('done', `removed ${hashes.length} certificate(s)`);
    },
    async check(root: RootIdentity): Promise<TrustStatus> {
      if ((await hashesFor(root.sha1)).includes(root.sha1)) return { store: id, label, state: 'trusted', detail: 'in the current-user Root store' };
      return { store: id, label, state: 'not-trusted', detail: 'not in the current-user Root store' };
    },
  };
}
