// The installers' plans, checked with a recorded command runner: which commands each store runs
// on each OS, and how their output is read. The real stores are exercised in test/integration/tls.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseCertutilList, parseThumbprints, rootNickname, trustRoot, trustStores, untrustRoot, checkTrust,
  type CommandResult, type RootIdentity, type TrustEnvironment,
} from '../../../main/tls/index.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';

const root: RootIdentity = {
  certPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
  certFile: '/data/ca/root.pem',
  fingerprint: 'ab'.repeat(32),
  sha1: 'CD'.repeat(20),
  commonName: 'Berth local CA alice@box',
};

function fakeEnvironment(options: Partial<TrustEnvironment> & { commands?: string[]; answers?: Record<string, Partial<CommandResult>> }): TrustEnvironment & { calls: string[] } {
  const calls: string[] = [];
  const commands = new Set(options.commands ?? []);
  return {
    platform: options.platform ?? 'linux',
    home: options.home ?? '/nonexistent-home',
    isRoot: options.isRoot ?? false,
    calls,
    has: async (c) => commands.has(c),
    run: async (command, args) => {
      const line = [command, ...args].join(' ');
      calls.push(line);
      const answer = Object.entries(options.answers ?? {}).find(([prefix]) => line.startsWith(prefix))?.[1];
      return { code: 0, stdout: '', stderr: '', ...answer };
    },
  };
}

let tmp: TempDir;
beforeAll(async () => {
  tmp = await tempDir('berth-trust-');
});
afterAll(() => tmp.remove());

describe('Linux system store', () => {
  it('copies the root among the anchors and rebuilds the bundle, through sudo when not root', async () => {
    const env = fakeEnvironment({ commands: ['update-ca-certificates'] });
    const [result] = await trustRoot(root, env);
    expect(result).toMatchObject({ store: 'linux-system', outcome: 'done' });
    expect(env.calls).toEqual([
      'sudo mkdir -p /usr/local/share/ca-certificates',
      `sudo install -m 0644 /data/ca/root.pem /usr/local/share/ca-certificates/berth-${'ab'.repeat(8)}.crt`,
      'sudo update-ca-certificates',
    ]);
  });

  it('uses update-ca-trust on Fedora-like systems, without sudo as root, and reports a failing update', async () => {
    const env = fakeEnvironment({ commands: ['update-ca-trust'], isRoot: true, answers: { 'update-ca-trust': { code: 1, stderr: 'p11-kit: broken' } } });
    const [result] = await trustRoot(root, env);
    expect(env.calls[1]).toBe(`install -m 0644 /data/ca/root.pem /etc/pki/ca-trust/source/anchors/berth-${'ab'.repeat(8)}.crt`);
    expect(result).toMatchObject({ outcome: 'failed' });
    expect(result!.detail).toContain('update-ca-trust extract exited with 1: p11-kit: broken');
  });

  it('says what it will do and what it needs', async () => {
    const [store] = await trustStores(fakeEnvironment({ commands: ['update-ca-certificates'] }));
    expect(store!.plan).toContain('/usr/local/share/ca-certificates');
    expect(store!.plan).toContain('sudo');
  });

  it('no update command: no system store', async () => {
    expect(await trustStores(fakeEnvironment({}))).toEqual([]);
  });
});

describe('NSS databases', () => {
  it('finds Chromium and Firefox databases and adds the root with certutil', async () => {
    const home = join(tmp.path, 'home');
    await mkdir(join(home, '.pki', 'nssdb'), { recursive: true });
    await writeFile(join(home, '.pki', 'nssdb', 'cert9.db'), '');
    await mkdir(join(home, '.mozilla', 'firefox', 'abc.default-release'), { recursive: true });
    await writeFile(join(home, '.mozilla', 'firefox', 'abc.default-release', 'cert9.db'), '');
    const env = fakeEnvironment({ home, commands: ['certutil'] });
    const results = await trustRoot(root, env);
    expect(results.map((r) => r.label)).toEqual(['Chromium/Chrome NSS database', 'Firefox profile abc.default-release']);
    const nick = rootNickname(root.fingerprint);
    expect(env.calls[0]).toBe(`certutil -A -d sql:${home}/.pki/nssdb -t C,, -n ${nick} -i /data/ca/root.pem`);
    expect(results.every((r) => r.outcome === 'done')).toBe(true);
  });

  it('without certutil the databases are skipped with the package to install', async () => {
    const home = join(tmp.path, 'home2');
    await mkdir(join(home, '.pki', 'nssdb'), { recursive: true });
    await writeFile(join(home, '.pki', 'nssdb', 'cert9.db'), '');
    const [result] = await trustRoot(root, fakeEnvironment({ home }));
    expect(result).toMatchObject({ outcome: 'skipped' });
    expect(result!.detail).toContain('libnss3-tools');
  });

  it('untrust removes this root, or every Berth root, and check tells the current root from an old one', async () => {
    const home = join(tmp.path, 'home');
    const listing = `\nCertificate Nickname                                         Trust Attributes\n                                                             SSL,S/MIME,JAR/XPI\n\nBerth local CA 0123456789abcdef                              C,,  \nSome Corp Root                                               CT,C,C\n`;
    const env = fakeEnvironment({ home, commands: ['certutil'], answers: { 'certutil -L': { stdout: listing } } });
    const [one] = await untrustRoot(root, env);
    expect(one).toMatchObject({ outcome: 'skipped' });
    const [all] = await untrustRoot({ allBerthRoots: true }, env);
    expect(all).toMatchObject({ outcome: 'done' });
    expect(env.calls).toContain(`certutil -D -d sql:${home}/.pki/nssdb -n Berth local CA 0123456789abcdef`);
    expect(env.calls.some((c) => c.includes('Some Corp'))).toBe(false);
    const [status] = await checkTrust(root, env);
    expect(status).toMatchObject({ state: 'other-root' });
    const [current] = await checkTrust({ ...root, fingerprint: '0123456789abcdef'.padEnd(64, '0') }, env);
    expect(current).toMatchObject({ state: 'trusted' });
  });

  it('parses certutil -L', () => {
    expect([...parseCertutilList('Berth local CA 1  C,,\nfoo bar    CT,C,C\nCertificate Nickname   Trust Attributes\n')]).toEqual([
      ['Berth local CA 1', 'C,,'],
      ['foo bar', 'CT,C,C'],
    ]);
  });
});

describe('macOS and Windows', () => {
  it('macOS: the login keychain via security, deleting trust settings with the certificate', async () => {
    const env = fakeEnvironment({ platform: 'darwin', home: '/Users/alice', answers: { 'security find-certificate': { stdout: `SHA-256 hash: 00\nSHA-1 hash: ${root.sha1}\nkeychain: "/Users/alice/Library/Keychains/login.keychain-db"\n` } } });
    expect((await trustRoot(root, env))[0]).toMatchObject({ store: 'macos-login-keychain', outcome: 'done' });
    expect(env.calls[0]).toBe('security add-trusted-cert -r trustRoot -p ssl -k /Users/alice/Library/Keychains/login.keychain-db /data/ca/root.pem');
    await untrustRoot(root, env);
    expect(env.calls).toContain(`security delete-certificate -t -Z ${root.sha1} /Users/alice/Library/Keychains/login.keychain-db`);
    expect((await checkTrust(root, env))[0]).toMatchObject({ state: 'trusted' });
  });

  it('Windows: the current-user Root store via certutil', async () => {
    const env = fakeEnvironment({ platform: 'win32', home: 'C:\\Users\\alice', answers: { 'certutil -user -store': { stdout: `================ Certificate 0 ================\nCert Hash(sha1): ${root.sha1.toLowerCase().replace(/(..)/g, '$1 ').trim()}\n` } } });
    expect((await trustRoot(root, env))[0]).toMatchObject({ store: 'windows-user-root', outcome: 'done' });
    expect(env.calls[0]).toBe('certutil -user -addstore Root /data/ca/root.pem');
    expect((await untrustRoot(root, env))[0]).toMatchObject({ outcome: 'done' });
    expect(env.calls).toContain(`certutil -user -delstore Root ${root.sha1}`);
  });

  it('reads thumbprints from both tools', () => {
    expect(parseThumbprints('SHA-1 hash: 0A0B\nSHA-1 hash: ' + 'ab'.repeat(20))).toEqual(['AB'.repeat(20)]);
    expect(parseThumbprints(`Cert Hash(sha1): ${'ab '.repeat(19)}ab`)).toEqual(['AB'.repeat(20)]);
  });
});
