// What only the file system can tell about a parsed config: whether the PEM files its listeners name
// can be read. Part of loadConfig, so a missing key file fails `validate`, `up` and an edit alike.
import { access, constants } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { BerthConfig } from '../../shared/model/index.js';
import { formatPath } from './config-issues.js';
import { fieldPosition, type ConfigProblem, type ParseResult } from './parse-config.js';

/** PEM files are read when the listener starts; finding a missing one now saves a failed start. */
export async function missingCertificateFiles(config: BerthConfig, loaded: Extract<ParseResult, { ok: true }>): Promise<ConfigProblem[]> {
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
