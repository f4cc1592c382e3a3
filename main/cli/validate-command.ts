// `berth validate`: the same loading and validation `berth up` does (loadConfig), without starting
// anything. Exit 0 with a one-line summary, or 1 with every problem as FILE:LINE:COL  path  message.
import type { Command } from 'commander';
import { formatProblem, loadConfig, warningLines } from '../config/load-config.js';
import { summarizeConfig } from '../config/config-summary.js';

export interface ValidateOptions {
  /** The file to check, as the user named it (problems are labelled with this name). */
  config?: string;
}

export interface ValidateIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: ValidateIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/** Runs the check and returns the exit code. */
export async function runValidate(options: ValidateOptions, io: ValidateIo = processIo): Promise<number> {
  const file = options.config ?? 'berth.yaml';
  const result = await loadConfig(file);
  if (result.ok) {
    for (const line of warningLines(result)) io.stdout(`${line}\n`);
    io.stdout(`${file} is valid: ${summarizeConfig(result.config)}\n`);
    return 0;
  }
  // Problems on stdout, so `berth validate > problems.txt` keeps them; the count goes to stderr.
  for (const p of result.problems) io.stdout(`${formatProblem(p)}\n`);
  const n = result.problems.length;
  io.stderr(`${n} problem${n === 1 ? '' : 's'} in ${file}\n`);
  return 1;
}

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check berth.yaml: exit 0 with a summary if valid, else 1 printing every problem as FILE:LINE:COL  path  message')
    .option('-c, --config <file>', 'the config to check (default: berth.yaml in the working folder)')
    .action(async (opts: ValidateOptions) => {
      process.exitCode = await runValidate(opts);
    });
}
