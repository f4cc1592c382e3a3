// The one validation `berth validate` and `berth up` share: the file parsed and checked against the
// schema (load-config.ts), then what only the file system can tell — the PEM files listeners name.
import { access, constants } from 'node:fs/promises';
import { resolve } from 'node:path';
import { configWarnings, type BerthConfig } from '../../shared/model/index.js';
import { formatPath } from './config-issues.js';
import { fieldPosition, loadConfig, sortProblems, type ConfigProblem, type LoadResult } from './load-config.js';

/** Loads and fully validates `file`. Never throws for a bad or missing file: that is a problem. */
export async function validateFile(file: string): Promise<LoadResult> {
  const result = await loadConfig(file);
  if (!result.ok) return result;
  const problems = await missingCertificateFiles(result.config, result);
  return problems.length === 0 ? result : { ok: false, problems: sortProblems(problems) };
}

/** The config's warnings placed at their fields, as `FILE:LINE:COL  path  warning: message` lines. */
export function warningLines(loaded: Extract<LoadResult, { ok: true }>): string[] {
  return configWarnings(loaded.config).map((w) => {
    const pos = fieldPosition(loaded.document, w.path);
    return `${loaded.file}:${pos.line}:${pos.column}  ${formatPath(w.path)}  warning: ${w.message}`;
  });
}

/** "2 load balancers, 4 listeners, 3 rules, 5 target groups" */
export function summarizeConfig(config: BerthConfig): string {
  const listeners = config.loadBalancers.flatMap((lb) => lb.listeners);
  const rules = listeners.reduce((n, l) => n + l.rules.length, 0);
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [count(config.loadBalancers.length, 'load balancer'), count(listeners.length, 'listener'), count(rules, 'rule'), count(config.targetGroups.length, 'target group')].join(', ');
}

/** PEM files are read when the listener starts; finding a missing one now saves a failed `up`. */
async function missingCertificateFiles(config: BerthConfig, loaded: Extract<LoadResult, { ok: true }>): Promise<ConfigProblem[]> {
  const checks: Promise<ConfigProblem | undefined>[] = [];
  config.loadBalancers.forEach((lb, li) =>
    lb.listeners.forEach((listener, i) => {
      if (!Array.isArray(listener.certificates)) return;
      listener.certificates.forEach((pair, ci) => {
        for (const key of ['certFile', 'keyFile'] as const) {
          const path = ['loadBalancers', li, 'listeners', i, 'certificates', ci, key];
          // Relative paths resolve against the working folder, as the TLS code reads them.
          checks.push(
            access(resolve(pair[key]), constants.R_OK).then(
              () => undefined,
              (err: NodeJS.ErrnoException) => ({
                file: loaded.file,
                ...fieldPosition(loaded.document, path),
                path: formatPath(path),
                message: err.code === 'ENOENT' ? `no such file: ${pair[key]}` : `cannot read ${pair[key]} (${err.code ?? err.message})`,
                code: 'CONFIG_INVALID' as const,
              }),
            ),
          );
        }
      });
    }),
  );
  return (await Promise.all(checks)).filter((p): p is ConfigProblem => p !== undefined);
}
