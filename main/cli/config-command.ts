// `berth config history` and `berth config restore N`: the kept versions of berth.yaml (data folder),
// listed and brought back. A running Berth sees the restored file like any save and applies it.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { ConfigHistory } from '../config/config-history.js';
import { loadConfig, formatProblem, revisionOf } from '../config/load-config.js';
import { writeFileAtomic } from '../config/atomic-write.js';
import { readFile } from 'node:fs/promises';

export interface ConfigCommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: ConfigCommandIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

export async function runHistory(file: string, dataDir: string, io: ConfigCommandIo = processIo): Promise<number> {
  const entries = await new ConfigHistory(dataDir, file).list();
  if (entries.length === 0) {
    io.stderr(`no kept versions of ${file} yet (versions are kept by \`berth up\` and by \`berth config restore\`)\n`);
    return 1;
  }
  entries.forEach((e, i) => {
    const when = new Date(e.at).toISOString().replace('T', ' ').slice(0, 19);
    io.stdout(`${String(i + 1).padStart(2)}  ${when}  ${e.source.padEnd(9)}  ${e.revision}  ${e.summary}${i === 0 ? '  (current)' : ''}\n`);
  });
  return 0;
}

export async function runRestore(file: string, dataDir: string, n: number, io: ConfigCommandIo = processIo): Promise<number> {
  const history = new ConfigHistory(dataDir, file);
  const entry = (await history.list())[n - 1];
  const text = entry && (await history.text(entry.revision));
  if (!entry || text === undefined) {
    io.stderr(`berth config restore: no version ${n} of ${file} (see \`berth config history\`)\n`);
    return 1;
  }
  const checked = await loadConfig(file, { text });
  if (!checked.ok) {
    // A kept version was valid when kept; a certificate file it names may have gone since.
    for (const p of checked.problems) io.stderr(`${formatProblem(p)}\n`);
    io.stderr(`berth config restore: version ${n} is not valid now; ${file} is unchanged\n`);
    return 1;
  }
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current !== undefined && revisionOf(current) === entry.revision) {
    io.stdout(`${file} already is version ${n} (revision ${entry.revision}); nothing written\n`);
    return 0;
  }
  // Kept first, so a running Berth that sees the file change finds it already in the history.
  await history.record(text, 'restore', `version ${n} of ${new Date(entry.at).toISOString()} restored`);
  await writeFileAtomic(file, text);
  io.stdout(`restored version ${n} (revision ${entry.revision}) into ${file}\n`);
  return 0;
}

export function registerConfigCommand(program: Command, dataDir: () => string): void {
  const config = program.command('config').description("berth.yaml's kept versions: list them, bring one back");
  config
    .command('history')
    .description('the last 20 versions of berth.yaml, newest first: time, source (hand edit, dashboard, api, import, restore), what changed')
    .option('-c, --config <file>', 'berth.yaml (default: ./berth.yaml)')
    .action(async (opts: { config?: string }) => {
      process.exitCode = await runHistory(resolve(opts.config ?? 'berth.yaml'), dataDir());
    });
  config
    .command('restore <n>')
    .description('write version N of `berth config history` back to berth.yaml (a running Berth applies it at once)')
    .option('-c, --config <file>', 'berth.yaml (default: ./berth.yaml)')
    .action(async (n: string, opts: { config?: string }) => {
      if (!/^[1-9]\d*$/.test(n)) {
        process.stderr.write(`berth config restore: N is a version number from \`berth config history\` (1, 2, …), not "${n}"\n`);
        process.exitCode = 2;
        return;
      }
      process.exitCode = await runRestore(resolve(opts.config ?? 'berth.yaml'), dataDir(), Number(n));
    });
}
