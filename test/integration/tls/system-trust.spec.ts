// Acceptance, Linux as root only: after `berth ca trust`, curl reaches https://api.demo.localhost
// without -k or --cacert; after `berth ca untrust` it fails again. This changes the machine's trust
// store, so the root is always taken out again in afterAll, whatever happened.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaDoctor, runCaTrust, runCaUntrust, type CaCommandIo } from '../../../main/cli/ca-command.js';
import { CertificateStore, rootIdentity, systemTrustEnvironment, untrustRoot, type RootIdentity, type TrustEnvironment } from '../../../main/tls/index.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';
import { exec, startServer, systemStoreEnv, type RunningServer } from './tls-fixtures.js';

const isLinuxRoot = process.platform === 'linux' && process.getuid?.() === 0;
const underCi = process.env.CI === 'true';
const skipReason = isLinuxRoot ? undefined : 'changes the system trust store: runs only as root on Linux';
if (skipReason && !(underCi && isLinuxRoot)) console.warn(`system-trust.spec.ts skipped: ${skipReason}`);

let tmp: TempDir;
let store: CertificateStore;
let server: RunningServer;
let env: TrustEnvironment;
let dataDir: string;
let root: RootIdentity | undefined;
let out = '';
const io: CaCommandIo = { stdout: (t) => (out += t), stderr: (t) => (out += t) };

// update-ca-certificates runs its hooks (a Java keystore rebuild can take a minute on a busy machine).
const UPDATE_TIMEOUT = 240_000;

const curl = () => exec('curl', ['-sS', '--max-time', '10', `https://api.demo.localhost:${server.port}/`], { env: systemStoreEnv() });

describe.skipIf(skipReason !== undefined)('berth ca trust / untrust with the Linux system store', () => {
  beforeAll(async () => {
    // Under CI as root the tools must be there (.ci/run installs them): a missing one fails, never skips.
    expect(existsSync('/usr/sbin/update-ca-certificates') || existsSync('/usr/bin/update-ca-trust'), 'update-ca-certificates (Debian: ca-certificates)').toBe(true);
    tmp = await tempDir('berth-trust-');
    // A HOME without NSS databases: this test is about the system store, and must not touch a real profile.
    const home = join(tmp.path, 'home');
    await mkdir(home);
    env = systemTrustEnvironment({ home });
    dataDir = join(tmp.path, 'data');
    store = new CertificateStore({ dataDir });
    await store.init();
    root = rootIdentity(store.ca);
    server = await startServer(store, { allowedNames: ['*.demo.localhost'] });
  });
  afterAll(async () => {
    if (root) await untrustRoot(root, env);
    await server?.close();
    await store?.close();
    await tmp?.remove();
  }, UPDATE_TIMEOUT);

  it('curl refuses the page while the root is not trusted', async () => {
    const run = await curl();
    expect(run.code).toBe(60);
  });

  it('after berth ca trust, curl succeeds without -k or --cacert, and doctor says trusted', async () => {
    out = '';
    expect(await runCaTrust(dataDir, { yes: true }, io, env)).toBe(0);
    expect(out).toMatch(/done +Linux system store: .*berth-[0-9a-f]{16}\.crt added/);
    expect(await curl()).toMatchObject({ code: 0, stdout: `ok api.demo.localhost:${server.port}` });
    out = '';
    await runCaDoctor(dataDir, io, env);
    expect(out).toMatch(/trusted +Linux system store/);
  }, UPDATE_TIMEOUT);

  it('after berth ca untrust, curl fails again', async () => {
    out = '';
    expect(await runCaUntrust(dataDir, { yes: true }, io, env)).toBe(0);
    expect(out).toMatch(/done +Linux system store: .* removed/);
    expect((await curl()).code).toBe(60);
  }, UPDATE_TIMEOUT);
});
