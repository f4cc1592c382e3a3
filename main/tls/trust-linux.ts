// The Linux system store: the root as a file among the local anchors, then the distribution's update
// command rebuilds the bundle that curl, wget, Python's ssl and most OpenSSL programs read. Without
// root the commands go through sudo, which asks for the password on the terminal.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { commandFailure, isRootTarget, type RootIdentity, type TrustEnvironment, type TrustStoreHandler, type UntrustTarget } from './trust-common.js';

interface Flavour {
  anchorDir: string;
  update: [string, string[]];
  bundle: string;
}

const FLAVOURS: Flavour[] = [
  // Debian, Ubuntu, Alpine
  { anchorDir: '/usr/local/share/ca-certificates', update: ['update-ca-certificates', []], bundle: '/etc/ssl/certs/ca-certificates.crt' },
  // Fedora, RHEL, Arch (p11-kit)
  { anchorDir: '/etc/pki/ca-trust/source/anchors', update: ['update-ca-trust', ['extract']], bundle: '/etc/pki/tls/certs/ca-bundle.crt' },
];

export const anchorFileName = (fingerprint: string): string => `berth-${fingerprint.slice(0, 16)}.crt`;

/** The PEM body without line breaks, to find a certificate inside a bundle. */
const pemBody = (pem: string): string => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');

export async function linuxSystemStore(env: TrustEnvironment): Promise<TrustStoreHandler | undefined> {
  let flavour: Flavour | undefined;
  for (const f of FLAVOURS) {
    if (await env.has(f.update[0])) {
      flavour = f;
      break;
    }
  }
  if (!flavour) return undefined;
  const { anchorDir, update, bundle } = flavour;
  const sudo = env.isRoot ? [] : ['sudo'];
  const run = (command: string, args: string[]) => (sudo.length ? env.run('sudo', [command, ...args]) : env.run(command, args));
  const updateLine = `${update[0]} ${update[1].join(' ')}`.trim();
  const label = 'Linux system store';

  const berthAnchors = async (): Promise<string[]> => {
    try {
      return (await readdir(anchorDir)).filter((name) => /^berth-[0-9a-f]{16}\.crt$/.test(name));
    } catch {
      return [];
    }
  };

  const refresh = async (): Promise<string | undefined> => {
    const result = await run(update[0], update[1]);
    return result.code === 0 ? undefined : commandFailure(updateLine, result);
  };

  return {
    id: 'linux-system',
    label,
    plan: `copy the root to ${anchorDir}/berth-….crt and run ${updateLine} (${env.isRoot ? 'running as root' : 'needs root: sudo will ask for your password'}); curl, wget and OpenSSL programs then trust it`,

    async install(root: RootIdentity) {
      const dest = join(anchorDir, anchorFileName(root.fingerprint));
      const mkdir = await run('mkdir', ['-p', anchorDir]);
      const copy = mkdir.code === 0 ? await run('install', ['-m', '0644', root.certFile, dest]) : mkdir;
      if (copy.code !== 0) return { store: 'linux-system', label, outcome: 'failed', detail: commandFailure(`install ${dest}`, copy) };
      const failed = await refresh();
      return failed
        ? { store: 'linux-system', label, outcome: 'failed', detail: `${dest} written, but ${failed}` }
        : { store: 'linux-system', label, outcome: 'done', detail: `${dest} added; ${updateLine} rebuilt ${bundle}` };
    },

    async remove(target: UntrustTarget) {
      const names = isRootTarget(target) ? [anchorFileName(target.fingerprint)] : await berthAnchors();
      const present = (await berthAnchors()).filter((n) => names.includes(n));
      if (present.length === 0) return { store: 'linux-system', label, outcome: 'skipped', detail: `no Berth root in ${anchorDir}` };
      const files = present.map((n) => join(anchorDir, n));
      const rm = await run('rm', ['-f', ...files]);
      if (rm.code !== 0) return { store: 'linux-system', label, outcome: 'failed', detail: commandFailure('rm', rm) };
      const failed = await refresh();
      return failed
        ? { store: 'linux-system', label, outcome: 'failed', detail: `${files.join(', ')} removed, but ${failed}` }
        : { store: 'linux-system', label, outcome: 'done', detail: `${files.join(', ')} removed; ${updateLine} rebuilt ${bundle}` };
    },

    async check(root: RootIdentity) {
      const anchors = await berthAnchors();
      const ours = anchorFileName(root.fingerprint);
      let inBundle = false;
      try {
        inBundle = (await readFile(bundle, 'utf8')).replace(/\s+/g, '').includes(pemBody(root.certPem));
      } catch {
        // No bundle: reported below as not trusted.
      }
      if (anchors.includes(ours) && inBundle) return { store: 'linux-system', label, state: 'trusted', detail: `${join(anchorDir, ours)}, in ${bundle}` };
      if (anchors.includes(ours)) return { store: 'linux-system', label, state: 'not-trusted', detail: `${join(anchorDir, ours)} is there but not in ${bundle}: run ${updateLine}` };
      if (anchors.length > 0) return { store: 'linux-system', label, state: 'other-root', detail: `${anchors.join(', ')} in ${anchorDir}: an older Berth root, not the current one` };
      return { store: 'linux-system', label, state: 'not-trusted', detail: `not in ${anchorDir}` };
    },
  };
}
