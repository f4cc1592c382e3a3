// How commands find and load berth.yaml: `-c FILE`, else ./berth.yaml if present, else zero-config.
// Loading goes through the same validation `berth validate` uses, and prints every problem.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BerthConfig } from '../../shared/model/index.js';
import { loadConfig, formatProblem, warningLines } from '../config/load-config.js';

export interface LoadedConfig {
  file?: string;
  config?: BerthConfig;
}

export function findConfigFile(option: string | undefined): string | undefined {
  if (option) return resolve(option);
  const local = resolve('berth.yaml');
  return existsSync(local) ? local : undefined;
}

/** Exits the process with status 1 when the config is invalid or the named file is missing. */
export async function loadConfigOrExit(option: string | undefined): Promise<LoadedConfig> {
  const file = findConfigFile(option);
  if (!file) return {};
  const result = await loadConfig(file);
  if (!result.ok) {
    for (const problem of result.problems) console.error(formatProblem(problem));
    console.error(`berth: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} in ${file}; nothing started.`);
    process.exit(1);
  }
  for (const line of warningLines(result)) console.error(line);
  return { file, config: result.config };
}
