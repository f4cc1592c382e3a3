// NSS databases, which Chromium (~/.pki/nssdb) and Firefox (its profiles) read instead of the OS
// store on Linux. Each database is its own store; they are changed with NSS's certutil (Debian:
// libnss3-tools) and only when they already exist, since the browser creates its own on first start.
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BERTH_NICKNAME_PREFIX, commandFailure, isRootTarget, rootNickname,
  type RootIdentity, type TrustEnvironment, type TrustStoreHandler, type TrustResult, type UntrustTarget,
} from './trust-common.js';

const exists = (file: string) => access(file).then(() => true, () => false);

async function profilesIn(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

/** `sql:DIR` for NSS's current format, `dbm:DIR` for a legacy profile; undefined when there is none. */
async function databaseIn(dir: string): Promise<string | undefined> {
  if (await exists(join(dir, 'cert9.db'))) return `sql:${dir}`;
  if (await exists(join(dir, 'cert8.db'))) return `dbm:${dir}`;
  return undefined;
}

export async function findNssDatabases(home: string): Promise<Array<{ label: string; database: string }>> {
  const found: Array<{ label: string; database: string }> = [];
  for (const [label, dir] of [['Chromium/Chrome NSS database', join(home, '.pki', 'nssdb')], ['Chromium (snap) NSS database', join(home, 'snap', 'chromium', 'current', '.pki', 'nssdb')]] as const) {
    const database = await databaseIn(dir);
    if (database) found.push({ label, database });
  }
  const firefoxRoots = [
    join(home, '.mozilla', 'firefox'),
    join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox'),
    join(home, '.var', 'app', 'org.mozilla.firefox', '.mozilla', 'firefox'),
  ];
  for (const root of firefoxRoots) {
    for (const profile of await profilesIn(root)) {
      const database = await databaseIn(profile);
      if (database) found.push({ label: `Firefox profile ${profile.slice(root.length + 1)}`, database });
    }
  }
  return found;
}

/** Nickname → trust flags of every certificate in a database (`certutil -L`). */
export function parseCertutilList(output: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of output.split('\n')) {
    const match = /^(.+?)\s{2,}([a-zA-Z]*,[a-zA-Z]*,[a-zA-Z]*)\s*$/.exec(line);
    if (match && match[1] !== 'Certificate Nickname') entries.set(match[1]!.trim(), match[2]!);
  }
  return entries;
}

export async function nssStores(env: TrustEnvironment): Promise<TrustStoreHandler[]> {
  const databases = await findNssDatabases(env.home);
  if (databases.length === 0) return [];
  const hasCertutil = await env.has('certutil');
  return databases.map(({ label, database }) => {
    const id = `nss:${database.slice(4)}`;
    const result = (outcome: TrustResult['outcome'], detail: string): TrustResult => ({ store: id, label, outcome, detail });
    const missingTool = 'certutil is not installed (Debian/Ubuntu: apt install libnss3-tools; Fedora: dnf install nss-tools)';
    const list = async () => {
      const listed = await env.run('certutil', ['-L', '-d', database]);
      if (listed.code !== 0) throw new Error(commandFailure(`certutil -L -d ${database}`, listed));
      return parseCertutilList(listed.stdout);
    };
    return {
      id,
      label,
      plan: `add the root to ${database.slice(4)} with certutil -A (${hasCertutil ? 'no root needed; close the browser first if it misbehaves' : 'needs certutil: apt install libnss3-tools'})`,

      async install(root: RootIdentity) {
        if (!hasCertutil) return result('skipped', missingTool);
        const nickname = rootNickname(root.fingerprint);
        const added = await env.run('certutil', ['-A', '-d', database, '-t', 'C,,', '-n', nickname, '-i', root.certFile]);
        return added.code === 0 ? result('done', `added as "${nickname}"`) : result('failed', commandFailure('certutil -A', added));
      },

      async remove(target: UntrustTarget) {
        if (!hasCertutil) return result('skipped', missingTool);
        const present = [...(await list()).keys()];
        const wanted = isRootTarget(target) ? [rootNickname(target.fingerprint)] : present.filter((n) => n.startsWith(BERTH_NICKNAME_PREFIX));
        const names = wanted.filter((n) => present.includes(n));
        if (names.length === 0) return result('skipped', 'no Berth root in this database');
        for (const nickname of names) {
          const deleted = await env.run('certutil', ['-D', '-d', database, '-n', nickname]);
          if (deleted.code !== 0) return result('failed', commandFailure(`certutil -D -n "${nickname}"`, deleted));
        }
        return result('done', `removed ${names.map((n) => `"${n}"`).join(', ')}`);
      },

      async check(root: RootIdentity) {
        if (!hasCertutil) return { store: id, label, state: 'unavailable', detail: missingTool };
        const entries = await list();
        const nickname = rootNickname(root.fingerprint);
        const flags = entries.get(nickname);
        if (flags !== undefined) {
          return flags.split(',')[0]!.includes('C')
            ? { store: id, label, state: 'trusted', detail: `"${nickname}" (${flags})` }
            : { store: id, label, state: 'not-trusted', detail: `"${nickname}" is there but not trusted for TLS servers (${flags})` };
        }
        const others = [...entries.keys()].filter((n) => n.startsWith(BERTH_NICKNAME_PREFIX));
        return others.length > 0
          ? { store: id, label, state: 'other-root', detail: `${others.map((n) => `"${n}"`).join(', ')}: an older Berth root, not the current one` }
          : { store: id, label, state: 'not-trusted', detail: 'no Berth root' };
      },
    };
  });
}
