// Installing Berth's root into the trust stores of this machine, and taking it out again: each store
// (the OS store, each NSS database, the macOS keychain, the Windows user Root store) says what it will
// do and needs, and reports its own outcome, so one failing store never hides what the others did.
import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { homedir } from 'node:os';
import type { LocalCa } from './local-ca.js';
import { BERTH_NICKNAME_PREFIX, type RootIdentity, type TrustEnvironment, type TrustResult, type TrustStatus, type TrustStoreHandler, type UntrustTarget } from './trust-common.js';
import { linuxSystemStore } from './trust-linux.js';
import { macosKeychainStore, windowsRootStore } from './trust-macos-windows.js';
import { nssStores } from './trust-nss.js';

export function rootIdentity(ca: Pick<LocalCa, 'certPem' | 'paths'>): RootIdentity {
  const x509 = new X509Certificate(ca.certPem);
  return {
    certPem: ca.certPem,
    certFile: ca.paths.cert,
    fingerprint: createHash('sha256').update(x509.raw).digest('hex'),
    sha1: createHash('sha1').update(x509.raw).digest('hex').toUpperCase(),
    commonName: /CN=([^\n]+)/.exec(x509.subject)?.[1] ?? BERTH_NICKNAME_PREFIX,
  };
}

/** The real machine: commands run without a shell, with a time limit, never throwing. */
export function systemTrustEnvironment(overrides: Partial<TrustEnvironment> = {}): TrustEnvironment {
  const run: TrustEnvironment['run'] = (command, args, options = {}) =>
    new Promise((resolve) => {
      const child = execFile(command, [...args], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : (err as NodeJS.ErrnoException).code === 'ENOENT' ? 127 : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr || (err && code === 127 ? `${command}: not found` : '')) });
      });
      if (options.input !== undefined) child.stdin?.end(options.input);
    });
  const platform = overrides.platform ?? process.platform;
  return {
    platform,
    home: overrides.home ?? homedir(),
    isRoot: overrides.isRoot ?? (typeof process.getuid === 'function' && process.getuid() === 0),
    run: overrides.run ?? run,
    has:
      overrides.has ??
      (async (command) => (platform === 'win32' ? (await run('where', [command])).code === 0 : (await run('sh', ['-c', 'command -v "$1"', 'sh', command])).code === 0)),
  };
}

/** The stores present on this machine, in the order they are handled. */
export async function trustStores(env: TrustEnvironment): Promise<TrustStoreHandler[]> {
  switch (env.platform) {
    case 'darwin':
      return [macosKeychainStore(env)];
    case 'win32':
      return [windowsRootStore(env)];
    default: {
      const system = await linuxSystemStore(env);
      return [...(system ? [system] : []), ...(await nssStores(env))];
    }
  }
}

async function eachStore<T>(stores: TrustStoreHandler[], action: (store: TrustStoreHandler) => Promise<T>, failed: (store: TrustStoreHandler, err: unknown) => T): Promise<T[]> {
  const results: T[] = [];
  // One at a time: several may prompt (sudo, a keychain dialog) and prompts must not interleave.
  for (const store of stores) {
    try {
      results.push(await action(store));
    } catch (err) {
      results.push(failed(store, err));
    }
  }
  return results;
}

const failure = (store: TrustStoreHandler, err: unknown): TrustResult => ({
  store: store.id,
  label: store.label,
  outcome: 'failed',
  detail: err instanceof Error ? err.message : String(err),
});

export async function trustRoot(root: RootIdentity, env: TrustEnvironment = systemTrustEnvironment()): Promise<TrustResult[]> {
  return eachStore(await trustStores(env), (store) => store.install(root), failure);
}

export async function untrustRoot(target: UntrustTarget, env: TrustEnvironment = systemTrustEnvironment()): Promise<TrustResult[]> {
  return eachStore(await trustStores(env), (store) => store.remove(target), failure);
}

export async function checkTrust(root: RootIdentity, env: TrustEnvironment = systemTrustEnvironment()): Promise<TrustStatus[]> {
  return eachStore(await trustStores(env), (store) => store.check(root), (store, err) => ({
    store: store.id,
    label: store.label,
    state: 'unavailable',
    detail: err instanceof Error ? err.message : String(err),
  }));
}

