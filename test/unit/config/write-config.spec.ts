// Config writes keep the user's comments, change only what changed, keep the file's mode and
// symlink, and never leave a truncated file — not even when the writer is killed mid-write.
import { describe, expect, it } from 'vitest';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { editConfigFile, updateConfigFile } from '../../../main/config/write-config.js';
import { writeFileAtomic } from '../../../main/config/atomic-write.js';
import { parseConfigText } from '../../../main/config/load-config.js';

const original = `# Berth config for the demo stack
loadBalancers:
  - name: web # the public one
    listeners:
      - port: 8080 # the port the team agreed on
        protocol: HTTP
        # every unmatched request gets this
        defaultAction: { fixedResponse: { statusCode: 404, messageBody: none } }
        rules:
          # the API
          - priority: 10
            conditions: { pathPattern: [ "/api/*" ] }
            action: { forward: api }
          # the admin pages, for now
          - priority: 20
            conditions: { pathPattern: [ "/admin/*" ] }
            action: { forward: api }
targetGroups:
  - name: api # port 3000 on the host
    protocol: HTTP
    targets: { static: [ "127.0.0.1:3000" ] }
`;

function fileWith(text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'berth-write-'));
  const file = join(dir, 'berth.yaml');
  writeFileSync(file, text);
  return { dir, file };
}

/** The config as plain data, as the UI's editor holds it. */
function plain(text: string): { loadBalancers: { listeners: { port: number; rules: unknown[] }[] }[]; targetGroups: unknown[] } {
  const loaded = parseConfigText(text, 'berth.yaml');
  if (!loaded.ok) throw new Error('fixture invalid');
  return structuredClone(loaded.document.toJS());
}

describe('comment-keeping writes', () => {
  it('change one value and keep every comment, including the one on its own line', async () => {
    const { dir, file } = fileWith(original);
    const next = plain(original);
    next.loadBalancers[0]!.listeners[0]!.port = 9090;
    expect((await updateConfigFile(file, next as never)).ok).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(original.replace('port: 8080 #', 'port: 9090 #'));
    expect(readdirSync(dir)).toEqual(['berth.yaml']);
  });

  it('write flow collections the way the file mostly does', async () => {
    const tight = 'targetGroups:\n  - {name: a, protocol: HTTP, targets: {static: ["127.0.0.1:3000"]}}\n';
    const { file } = fileWith(tight);
    await editConfigFile(file, (doc) => doc.setIn(['targetGroups', 0, 'protocol'], 'HTTPS'));
    expect(readFileSync(file, 'utf8')).toBe(tight.replace('HTTP,', 'HTTPS,'));
  });

  it('keep the comments with their rules when an earlier rule is deleted', async () => {
    const { file } = fileWith(original);
    const next = plain(original);
    next.loadBalancers[0]!.listeners[0]!.rules.shift();
    expect((await updateConfigFile(file, next as never)).ok).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('# the API');
    expect(text).toMatch(/# the admin pages, for now\n\s+- priority: 20/);
  });

  it('apply document edits (setIn, deleteIn) and validate them first', async () => {
    const { file } = fileWith(original);
    const ok = await editConfigFile(file, (doc) => {
      doc.setIn(['targetGroups', 0, 'deregistrationDelaySeconds'], 5);
      doc.deleteIn(['loadBalancers', 0, 'listeners', 0, 'rules', 1]);
    });
    expect(ok.ok && ok.config.targetGroups[0]!.deregistrationDelaySeconds).toBe(5);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('deregistrationDelaySeconds: 5');
    expect(text).toContain('# port 3000 on the host');
    expect(text).not.toContain('/admin/*');
  });

  it('refuse an invalid edit with positioned problems and leave the file byte for byte', async () => {
    const { file } = fileWith(original);
    const result = await editConfigFile(file, (doc) => doc.setIn(['loadBalancers', 0, 'listeners', 0, 'port'], 70000));
    expect(result.ok ? [] : result.problems.map((p) => `${p.line}:${p.column} ${p.path}`)).toEqual(['5:15 loadBalancers[0].listeners[0].port']);
    expect(readFileSync(file, 'utf8')).toBe(original);
  });

  it('create a missing file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'berth-write-')), 'berth.yaml');
    const result = await updateConfigFile(file, { targetGroups: [{ name: 'a', protocol: 'HTTP' }] });
    expect(result.ok).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('targetGroups:\n  - name: a\n    protocol: HTTP\n');
  });

  it('run concurrent edits one after another, so neither is lost', async () => {
    const { file } = fileWith(original);
    await Promise.all([
      editConfigFile(file, (doc) => doc.setIn(['targetGroups', 0, 'slowStartSeconds'], 30)),
      editConfigFile(file, (doc) => doc.setIn(['targetGroups', 0, 'deregistrationDelaySeconds'], 5)),
    ]);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('slowStartSeconds: 30');
    expect(text).toContain('deregistrationDelaySeconds: 5');
  });
});

describe('atomic writes', () => {
  it('keep the mode of the file they replace, beyond the umask', async () => {
    const { file } = fileWith('a: 1\n');
    chmodSync(file, 0o664);
    await writeFileAtomic(file, 'a: 2\n');
    expect(statSync(file).mode & 0o777).toBe(0o664);
    chmodSync(file, 0o600);
    await writeFileAtomic(file, 'a: 3\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('create a missing private folder, and a private file in it, for the CA key', async () => {
    const { dir } = fileWith('a: 1\n');
    const key = join(dir, 'data', 'ca', 'ca-key.pem');
    await writeFileAtomic(key, 'secret', { mode: 0o600, exclusive: true, folderMode: 0o700 });
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'data', 'ca')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(dir, 'data', 'ca'))).toEqual(['ca-key.pem']);
  });

  it('replace the target of a symlink, not the link', async () => {
    const { dir, file } = fileWith('a: 1\n');
    const link = join(dir, 'linked.yaml');
    symlinkSync(file, link);
    await writeFileAtomic(link, 'a: 2\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('a: 2\n');
  });

  it('refuse to replace an existing file when exclusive', async () => {
    const { dir, file } = fileWith('a: 1\n');
    await expect(writeFileAtomic(file, 'a: 2\n', { exclusive: true })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(file, 'utf8')).toBe('a: 1\n');
    expect(readdirSync(dir)).toEqual(['berth.yaml']);
  });

  it('never truncate: a writer killed at random moments leaves one whole version', async () => {
    const { dir, file } = fileWith('');
    const big = (n: number) => `# version ${n}\nloadBalancers: []\ntargetGroups:\n${Array.from({ length: 3000 }, (_, i) => `  - { name: g${i}-${n}, protocol: HTTP }`).join('\n')}\n`;
    writeFileSync(file, big(0));
    const writer = `
      import { writeFileAtomic } from ${JSON.stringify(new URL('../../../main/config/atomic-write.ts', import.meta.url).pathname)};
      const big = ${big.toString()};
      for (let n = 1; ; n++) await writeFileAtomic(${JSON.stringify(file)}, big(n));
    `;
    for (let round = 0; round < 8; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', writer], { stdio: 'ignore' });
      // Kill only once the writer is busy writing (its start-up time varies with load), at a random moment.
      const seen = readFileSync(file, 'utf8').slice(0, 20);
      for (let waited = 0; waited < 15_000 && readFileSync(file, 'utf8').slice(0, 20) === seen; waited += 20) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, Math.random() * 60));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const text = readFileSync(file, 'utf8');
      const version = Number(/^# version (\d+)\n/.exec(text)?.[1]);
      // Byte for byte the version its first line names: never a mix, never a prefix.
      expect(text === big(version)).toBe(true);
      expect(parseConfigText(text, file).ok).toBe(true);
    }
    // The writer really ran: the file holds a version it wrote, not the seed.
    expect(readFileSync(file, 'utf8').startsWith('# version 0\n')).toBe(false);
    expect(readdirSync(dir).filter((f) => !f.endsWith('.tmp'))).toEqual(['berth.yaml']);
  }, 180_000);
});
