import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerCaCommand, type CaCommandIo } from '../../../main/cli/ca-command.js';
import { caPaths, loadCa, type TrustEnvironment } from '../../../main/tls/index.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';

let tmp: TempDir;
let home: string;
beforeAll(async () => {
  tmp = await tempDir('berth-ca-cli-');
  // One NSS database and certutil faked: trust and untrust run against recorded commands only.
  home = join(tmp.path, 'home');
  await mkdir(join(home, '.pki', 'nssdb'), { recursive: true });
  await writeFile(join(home, '.pki', 'nssdb', 'cert9.db'), '');
});
afterAll(() => tmp.remove());
afterEach(() => {
  process.exitCode = 0;
});

interface Run {
  code: number;
  out: string;
  err: string;
  calls: string[];
}

async function berth(dataDir: string, args: string[], answer?: boolean): Promise<Run> {
  let out = '';
  let err = '';
  const calls: string[] = [];
  const io: CaCommandIo = { stdout: (t) => (out += t), stderr: (t) => (err += t), ...(answer === undefined ? {} : { confirm: async () => answer }) };
  const env: TrustEnvironment = {
    platform: 'linux',
    home,
    isRoot: false,
    has: async (c) => c === 'certutil',
    run: async (command, a) => {
      calls.push([command, ...a].join(' '));
      return { code: 0, stdout: command === 'certutil' && a[0] === '-L' ? 'Berth local CA 0000000000000000    C,,\n' : '', stderr: '' };
    },
  };
  const program = new Command('berth').exitOverride();
  registerCaCommand(program, () => dataDir, { io, trustEnvironment: () => env });
  process.exitCode = 0;
  await program.parseAsync(['node', 'berth', 'ca', ...args]);
  return { code: Number(process.exitCode ?? 0), out, err, calls };
}

describe('berth ca', () => {
  it('path and show do not create a CA; export does, to stdout or --out', async () => {
    const dir = join(tmp.path, 'd1');
    expect((await berth(dir, ['path'])).out).toBe(`${caPaths(dir).cert}\n`);
    expect((await berth(dir, ['show'])).out).toContain('No CA yet');
    expect(await readdir(tmp.path)).not.toContain('d1');
    const out = join(tmp.path, 'root-export.pem');
    const exported = await berth(dir, ['export', '--out', out]);
    expect(exported.code).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(await readFile(caPaths(dir).cert, 'utf8'));
    expect((await berth(dir, ['export'])).out).toBe(await readFile(out, 'utf8'));
    const show = await berth(dir, ['show']);
    expect(show.out).toMatch(/SHA-256 +[0-9a-f]{64}/);
    expect(show.out).toContain('only localhost, test, internal, 127.0.0.0/8, ::1/128');
  });

  it('trust explains each store, then reports per store', async () => {
    const dir = join(tmp.path, 'd2');
    const run = await berth(dir, ['trust', '--yes']);
    expect(run.code).toBe(0);
    expect(run.err).toContain('Chromium/Chrome NSS database: add the root to');
    expect(run.out).toMatch(/done +Chromium\/Chrome NSS database: added as "Berth local CA [0-9a-f]{16}"/);
    expect(run.calls[0]).toMatch(/^certutil -A -d sql:.*\/\.pki\/nssdb -t C,, -n Berth local CA [0-9a-f]{16} -i .*root\.pem$/);
  });

  it('trust asks on a terminal and changes nothing on no', async () => {
    const run = await berth(join(tmp.path, 'd3'), ['trust'], false);
    expect(run.code).toBe(1);
    expect(run.calls).toEqual([]);
    expect(run.err).toContain('nothing changed');
  });

  it('reset needs --yes without a terminal; with it, a corrupt CA is untrusted everywhere and replaced', async () => {
    const dir = join(tmp.path, 'd4');
    await berth(dir, ['export']);
    const before = await loadCa(dir);
    await writeFile(caPaths(dir).key, 'corrupt');
    const refused = await berth(dir, ['reset']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('--yes');
    expect(await readFile(caPaths(dir).key, 'utf8')).toBe('corrupt');
    const reset = await berth(dir, ['reset', '--yes']);
    expect(reset.code).toBe(0);
    expect(reset.err).toContain('removing every Berth root instead');
    expect(reset.calls).toContain(`certutil -D -d sql:${home}/.pki/nssdb -n Berth local CA 0000000000000000`);
    const after = await loadCa(dir);
    expect(after.fingerprint).not.toBe(before.fingerprint);
    expect(reset.out).toContain(after.fingerprint);
  });

  it('doctor reports the CA, the stores and the runtime variables', async () => {
    const dir = join(tmp.path, 'd5');
    await berth(dir, ['export']);
    const run = await berth(dir, ['doctor']);
    expect(run.out).toContain('Trust stores');
    expect(run.out).toContain('OLD ROOT');
    expect(run.out).toContain(`export NODE_EXTRA_CA_CERTS=${caPaths(dir).cert}`);
    expect(run.out).toMatch(/export (SSL_CERT_FILE|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE)=/);
    expect(run.code).toBe(1);
  });
});
