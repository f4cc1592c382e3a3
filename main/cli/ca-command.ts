// `berth ca path|show|export|trust|untrust|reset|doctor`: Berth's local CA and where it is trusted.
// Each subcommand is a function returning the exit code, so tests call them without a process.
import { X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import {
  caPaths, caState, createCa, formatDoctor, loadCa, loadOrCreateCa, rootIdentity, runDoctor, systemTrustEnvironment, trustRoot, trustStores, untrustRoot,
  type TrustEnvironment, type TrustResult, type UntrustTarget,
} from '../tls/index.js';
import { BerthError } from '../../shared/errors.js';

export interface CaCommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Asks a yes/no question; undefined when nobody can answer (no terminal). */
  confirm?: (question: string) => Promise<boolean>;
}

export interface CaCommandDeps {
  io?: CaCommandIo;
  trustEnvironment?: () => TrustEnvironment;
}

const processIo = (): CaCommandIo => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  ...(process.stdin.isTTY ? { confirm: ttyConfirm } : {}),
});

async function ttyConfirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** A BerthError becomes its message and exit code 1; anything else is a bug and propagates. */
async function guarded(io: CaCommandIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (!(err instanceof BerthError)) throw err;
    io.stderr(`berth ca: ${err.message}\n`);
    return 1;
  }
}

export function runCaPath(dataDir: string, io: CaCommandIo = processIo()): number {
  io.stdout(`${caPaths(dataDir).cert}\n`);
  return 0;
}

export function runCaShow(dataDir: string, io: CaCommandIo = processIo()): Promise<number> {
  return guarded(io, async () => {
    if ((await caState(dataDir)) === 'absent') {
      io.stdout(`No CA yet in ${caPaths(dataDir).dir}; Berth creates it on first need (an HTTPS listener, \`berth ca trust\` or \`berth ca export\`).\n`);
      return 0;
    }
    const ca = await loadCa(dataDir);
    const x509 = new X509Certificate(ca.certPem);
    io.stdout([
      `certificate  ${ca.paths.cert}`,
      `key          ${ca.paths.key} (never leaves this machine)`,
      `subject      ${ca.subject}`,
      `SHA-256      ${ca.fingerprint}`,
      `SHA-1        ${x509.fingerprint.replace(/:/g, '')}`,
      `valid        ${ca.notBefore.toISOString().slice(0, 10)} to ${ca.notAfter.toISOString().slice(0, 10)}`,
      `constraints  ${ca.permitted ? `only ${[...ca.permitted.dns, ...ca.permitted.ip].join(', ')}` : 'none: this root can vouch for any name'}`,
      '',
    ].join('\n'));
    return 0;
  });
}

export function runCaExport(dataDir: string, opts: { out?: string }, io: CaCommandIo = processIo()): Promise<number> {
  return guarded(io, async () => {
    const { ca, created } = await loadOrCreateCa(dataDir);
    if (created) io.stderr(`berth ca: created a new CA in ${ca.paths.dir}\n`);
    if (opts.out) {
      await writeFile(opts.out, ca.certPem);
      io.stderr(`berth ca: root certificate written to ${opts.out}\n`);
    } else io.stdout(ca.certPem);
    return 0;
  });
}

function printResults(io: CaCommandIo, results: TrustResult[]): number {
  const words = { done: 'done', skipped: 'skipped', failed: 'FAILED' } as const;
  for (const r of results) io.stdout(`  ${words[r.outcome].padEnd(8)} ${r.label}: ${r.detail}\n`);
  if (results.length === 0) {
    io.stderr('berth ca: no trust store found on this machine\n');
    return 1;
  }
  return results.some((r) => r.outcome === 'failed') ? 1 : 0;
}

/** Prints what will happen; asks when someone can answer, unless --yes. False: the user said no. */
async function explainAndConfirm(io: CaCommandIo, intro: string, steps: string[], yes: boolean | undefined): Promise<boolean> {
  io.stderr(`${intro}\n${steps.map((s) => `  - ${s}`).join('\n')}\n`);
  if (yes || !io.confirm) return true;
  if (await io.confirm('Continue?')) return true;
  io.stderr('berth ca: nothing changed\n');
  return false;
}

export function runCaTrust(dataDir: string, opts: { yes?: boolean }, io: CaCommandIo = processIo(), env = systemTrustEnvironment()): Promise<number> {
  return guarded(io, async () => {
    const { ca, created } = await loadOrCreateCa(dataDir);
    if (created) io.stderr(`berth ca: created a new CA in ${ca.paths.dir}\n`);
    const stores = await trustStores(env);
    const intro = `berth ca trust installs Berth's root (SHA-256 ${ca.fingerprint.slice(0, 16)}…, ${ca.paths.cert}) so browsers and tools accept Berth's certificates:`;
    if (!(await explainAndConfirm(io, intro, stores.map((s) => `${s.label}: ${s.plan}`), opts.yes))) return 1;
    return printResults(io, await trustRoot(rootIdentity(ca), env));
  });
}

export function runCaUntrust(dataDir: string, opts: { yes?: boolean }, io: CaCommandIo = processIo(), env = systemTrustEnvironment()): Promise<number> {
  return guarded(io, async () => {
    const target = await untrustTarget(dataDir, io);
    const stores = await trustStores(env);
    const what = 'fingerprint' in target ? `Berth's root (SHA-256 ${target.fingerprint.slice(0, 16)}…)` : 'every Berth root';
    if (!(await explainAndConfirm(io, `berth ca untrust removes ${what} from:`, stores.map((s) => s.label), opts.yes))) return 1;
    return printResults(io, await untrustRoot(target, env));
  });
}

/** The current root, or, when it cannot be read, every Berth root (so a broken CA can still be untrusted). */
async function untrustTarget(dataDir: string, io: CaCommandIo): Promise<UntrustTarget> {
  if ((await caState(dataDir)) === 'absent') return { allBerthRoots: true };
  try {
    return rootIdentity(await loadCa(dataDir));
  } catch (err) {
    io.stderr(`berth ca: ${(err as Error).message}\nberth ca: removing every Berth root instead.\n`);
    return { allBerthRoots: true };
  }
}

export interface ResetOptions {
  yes?: boolean;
  nameConstraints?: boolean;
  permit?: string[];
}

export function runCaReset(dataDir: string, opts: ResetOptions, io: CaCommandIo = processIo(), env = systemTrustEnvironment()): Promise<number> {
  return guarded(io, async () => {
    const paths = caPaths(dataDir);
    const steps = [
      'remove the old root from every trust store that has it',
      `delete ${paths.cert}, ${paths.key} and the certificates it signed`,
      `create a new root${opts.nameConstraints === false ? ' without name constraints' : ''} (run \`berth ca trust\` afterwards; restart HTTPS listeners)`,
    ];
    io.stderr(`berth ca reset will:\n${steps.map((s) => `  - ${s}`).join('\n')}\n`);
    if (!opts.yes) {
      if (!io.confirm) {
        io.stderr('berth ca: reset replaces the CA; confirm with --yes when there is no terminal to ask on\n');
        return 1;
      }
      if (!(await io.confirm('Replace the CA?'))) {
        io.stderr('berth ca: nothing changed\n');
        return 1;
      }
    }
    const untrusted = printResults(io, await untrustRoot(await untrustTarget(dataDir, io), env));
    const ca = await createCa(dataDir, { replace: true, nameConstraints: opts.nameConstraints !== false, permittedSuffixes: opts.permit ?? [] });
    io.stdout(`new CA ${ca.paths.cert}\nSHA-256 ${ca.fingerprint}\nRun \`berth ca trust\` to trust it.\n`);
    return untrusted;
  });
}

export function runCaDoctor(dataDir: string, io: CaCommandIo = processIo(), env = systemTrustEnvironment()): Promise<number> {
  return guarded(io, async () => {
    const report = await runDoctor(dataDir, env);
    io.stdout(formatDoctor(report));
    const trusted = report.stores.some((s) => s.state === 'trusted');
    return report.ca.ok && trusted && !report.stores.some((s) => s.state === 'other-root') ? 0 : 1;
  });
}

export function registerCaCommand(program: Command, getDataDir: () => string, deps: CaCommandDeps = {}): Command {
  const io = () => deps.io ?? processIo();
  const env = () => (deps.trustEnvironment ?? systemTrustEnvironment)();
  const done = (code: number) => {
    process.exitCode = code;
  };
  const ca = program.command('ca').description("Berth's local certificate authority: where it is, and where it is trusted");
  ca.command('path').description('print the path of the root certificate').action(() => done(runCaPath(getDataDir(), io())));
  ca.command('show').description('subject, fingerprints, validity and name constraints of the root').action(async () => done(await runCaShow(getDataDir(), io())));
  ca.command('export')
    .description('print the root certificate (PEM), or write it to a file')
    .option('-o, --out <file>', 'write to FILE instead of standard output')
    .action(async (opts: { out?: string }) => done(await runCaExport(getDataDir(), opts, io())));
  ca.command('trust')
    .description('install the root into the OS trust store and the browsers\' NSS databases')
    .option('-y, --yes', 'do not ask before changing the trust stores')
    .action(async (opts: { yes?: boolean }) => done(await runCaTrust(getDataDir(), opts, io(), env())));
  ca.command('untrust')
    .description('remove the root from every trust store that has it')
    .option('-y, --yes', 'do not ask before changing the trust stores')
    .action(async (opts: { yes?: boolean }) => done(await runCaUntrust(getDataDir(), opts, io(), env())));
  ca.command('reset')
    .description('untrust the old root and make a new CA (after a corrupt or leaked key)')
    .option('-y, --yes', 'do not ask (required without a terminal)')
    .option('--no-name-constraints', 'let the new root vouch for any name, not only local ones')
    .option('--permit <suffix...>', 'extra DNS suffixes the new root may vouch for, e.g. dev.example.com')
    .action(async (opts: ResetOptions) => done(await runCaReset(getDataDir(), opts, io(), env())));
  ca.command('doctor')
    .description('check each trust store, the root\'s fingerprint, and the variables for runtimes that ignore the OS store')
    .action(async () => done(await runCaDoctor(getDataDir(), io(), env())));
  return ca;
}
