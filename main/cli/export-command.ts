// `berth export` and `berth import`: berth.yaml ⇄ CloudFormation / Terraform. The conversions are
// pure (main/export); this file reads and writes the files, prints warnings and problems on stderr,
// and asks before using a Docker selector Berth only guessed.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import type { BerthConfig, DockerSelector } from '../../shared/model/index.js';
import { composeServices, configToYaml, exportConfig, importConfig, warningLine, type ImportProblem } from '../export/index.js';
import { writeFileAtomic } from '../config/atomic-write.js';
import { formatProblem as formatConfigProblem, loadConfig as loadConfigFile } from '../config/load-config.js';
import { findConfigFile } from './config-option.js';

export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Asks a yes/no question; undefined when nobody can answer (no terminal). */
  confirm?: (question: string) => Promise<boolean>;
}

const processIo = (): CommandIo => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  ...(process.stdin.isTTY ? { confirm: ttyConfirm } : {}),
});

async function ttyConfirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return !/^n/i.test((await rl.question(`${question} [Y/n] `)).trim());
  } finally {
    rl.close();
  }
}

class CommandError extends Error {}

export interface ExportOptions {
  format: 'cloudformation' | 'terraform';
  syntax?: 'yaml' | 'json';
  config?: string;
  out?: string;
  ecsOut?: string;
}

/**
 * berth.yaml through the one loader `berth validate` and `berth up` use (loadConfig), so a bad file is
 * reported the same way everywhere: FILE:LINE:COL  path  message, labelled with the name as given.
 */
async function loadConfig(option: string | undefined, io: CommandIo): Promise<BerthConfig> {
  if (!findConfigFile(option)) throw new CommandError(`${resolve('berth.yaml')} not found (use -c FILE)`);
  const label = option ?? 'berth.yaml';
  const result = await loadConfigFile(label);
  if (result.ok) return result.config;
  for (const p of result.problems) io.stderr(`${formatConfigProblem(p)}\n`);
  const n = result.problems.length;
  throw new CommandError(`${n} problem${n === 1 ? '' : 's'} in ${label}; nothing exported`);
}

/** `berth export`; returns the process exit code. */
export async function runExport(opts: ExportOptions, io: CommandIo = processIo()): Promise<number> {
  try {
    const config = await loadConfig(opts.config, io);
    const syntax = opts.syntax ?? (opts.out && extname(opts.out).toLowerCase() === '.json' ? 'json' : 'yaml');
    const result = exportConfig(config, { format: opts.format, syntax });
    for (const w of result.warnings) io.stderr(`berth export: ${warningLine(w)}\n`);
    if (opts.out) await writeFileAtomic(resolve(opts.out), result.text);
    else io.stdout(result.text);
    if (result.ecs) {
      const ecsFile = opts.ecsOut ?? (opts.out ? join(dirname(opts.out), `${basename(opts.out, extname(opts.out))}.ecs${extname(result.ecs.suggestedName)}`) : undefined);
      if (ecsFile) {
        await writeFileAtomic(resolve(ecsFile), result.ecs.text);
        io.stderr(`berth export: ECS wiring for the Docker-filled target groups written to ${ecsFile}\n`);
      } else {
        io.stderr('berth export: ECS wiring for the Docker-filled target groups not written; use --out or --ecs-out FILE\n');
      }
    }
    return 0;
  } catch (e) {
    if (!(e instanceof CommandError)) throw e;
    io.stderr(`berth export: ${e.message}\n`);
    return 1;
  }
}

export interface ImportCommandOptions {
  out?: string;
  format?: 'cloudformation' | 'terraform';
  compose?: string;
  select?: string[];
  yes?: boolean;
  force?: boolean;
}

const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

/** `users=users-svc:8081` → the target group, the compose service and the container port if given. */
function parseSelect(spec: string): { group: string; service: string; port?: number } {
  const m = /^([A-Za-z0-9-]+)=([^:]+)(?::(\d+))?$/.exec(spec);
  if (!m) throw new CommandError(`--select ${spec}: expected TARGET_GROUP=COMPOSE_SERVICE[:CONTAINER_PORT]`);
  return { group: m[1]!, service: m[2]!, ...(m[3] ? { port: Number(m[3]) } : {}) };
}

export function formatProblem(file: string, p: ImportProblem): string {
  const pos = p.where?.line ? `${file}:${p.where.line}:${p.where.column ?? 1}` : file;
  const what = [p.where?.resource, p.where?.path].filter(Boolean).join(' ');
  return `${pos}: ${p.severity} [${p.code}]${what ? ` ${what}:` : ''} ${p.message}`;
}

/** `berth import`; returns the process exit code. */
export async function runImport(file: string, opts: ImportCommandOptions, io: CommandIo = processIo()): Promise<number> {
  try {
    const path = resolve(file);
    if (!existsSync(path)) throw new CommandError(`${path} not found`);
    if (opts.out && existsSync(opts.out) && !opts.force) throw new CommandError(`${opts.out} exists; use --force to replace it`);
    const text = readFileSync(path, 'utf8');
    const composeFile = opts.compose ?? COMPOSE_FILES.find((f) => existsSync(f));
    const services = composeFile ? composeServices(readFileSync(composeFile, 'utf8'), basename(dirname(resolve(composeFile)))) : [];
    const chosen = (opts.select ?? []).map(parseSelect);
    const selectors: Record<string, DockerSelector> = {};
    const base = { fileName: file, services, ...(opts.format ? { format: opts.format } : {}) };

    // First pass: what Berth would propose; the user confirms each guess before it is used.
    const first = await importConfig(text, { ...base, proposals: 'report' });
    for (const c of chosen) {
      // Without a port: the service's only container port, else the target group's own port.
      const service = services.find((s) => s.name === c.service);
      const port = c.port ?? (service?.containerPorts.length === 1 ? service.containerPorts[0] : first.config?.targetGroups.find((tg) => tg.name === c.group)?.port);
      if (port === undefined) throw new CommandError(`--select ${c.group}=${c.service}: give the container port (${c.group}=${c.service}:PORT)`);
      selectors[c.group] = { ...(service?.project ? { composeProject: service.project } : {}), composeService: c.service, containerPort: port };
    }
    for (const p of first.proposals.filter((x) => !selectors[x.targetGroup])) {
      const sel = JSON.stringify(p.selector);
      const ok = opts.yes || (io.confirm ? await io.confirm(`Fill target group ${p.targetGroup} with ${sel}? (${p.reason})`) : false);
      if (ok) selectors[p.targetGroup] = p.selector;
      else io.stderr(`berth import: proposed for ${p.targetGroup}: ${sel} (${p.reason}); not used — confirm with --yes or choose with --select\n`);
    }
    const result = await importConfig(text, { ...base, selectors, proposals: 'report' });
    for (const p of result.problems) io.stderr(`${formatProblem(file, p)}\n`);
    if (!result.config) {
      io.stderr(`berth import: nothing written; ${result.problems.filter((p) => p.severity === 'error').length} error(s) in ${file}\n`);
      return 1;
    }
    const header = [` Imported by Berth from ${basename(file)} (berth import).`, ...result.problems.map((p) => ` ${formatProblem(basename(file), p)}`)].join('\n');
    const yaml = configToYaml(result.config, header);
    if (opts.out) {
      await writeFileAtomic(resolve(opts.out), yaml);
      io.stderr(`berth import: wrote ${opts.out}\n`);
    } else {
      io.stdout(yaml);
    }
    return 0;
  } catch (e) {
    if (!(e instanceof CommandError)) throw e;
    io.stderr(`berth import: ${e.message}\n`);
    return 1;
  }
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('write the load balancers of berth.yaml as a CloudFormation template or Terraform file (warnings on stderr)')
    .addOption(new Option('--format <format>', 'output format').choices(['cloudformation', 'terraform']).makeOptionMandatory())
    .addOption(new Option('--syntax <syntax>', 'CloudFormation syntax (default: json for a .json --out, else yaml)').choices(['yaml', 'json']))
    .option('-c, --config <file>', 'berth.yaml to export (default: ./berth.yaml)')
    .option('--out <file>', 'write to this file instead of stdout; ECS wiring goes beside it as <name>.ecs.<ext>')
    .option('--ecs-out <file>', 'where to write the ECS wiring snippet')
    .action(async (opts: ExportOptions) => {
      process.exitCode = await runExport(opts);
    });
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('read a CloudFormation template (.yaml/.json) or Terraform file (.tf) and write the equivalent berth.yaml')
    .argument('<file>', 'template or .tf file to import')
    .option('--out <file>', 'write berth.yaml here instead of stdout')
    .addOption(new Option('--format <format>', 'input format (default: .tf is terraform, anything else cloudformation)').choices(['cloudformation', 'terraform']))
    .option('--compose <file>', 'compose file whose services Berth proposes as targets (default: ./compose.yaml and the like)')
    .option('--select <group=service[:port]...>', 'fill a target group from a compose service (repeatable)', (v: string, all: string[] = []) => [...all, v])
    .option('-y, --yes', 'use the proposed Docker selectors without asking')
    .option('--force', 'replace the --out file if it exists')
    .action(async (file: string, opts: ImportCommandOptions) => {
      process.exitCode = await runImport(file, opts);
    });
}
