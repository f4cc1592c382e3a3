// The one way a config is read and checked: `berth validate`, `berth up`, the file watcher, the
// desktop app and every edit through the API call loadConfig, which returns the config or every
// problem with FILE:LINE:COL. Size limit, syntax, schema, then the files the config names.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { Document } from 'yaml';
import { configWarnings, type BerthConfig } from '../../shared/model/index.js';
import { missingCertificateFiles } from './certificate-files.js';
import { fieldPosition, formatPath, parseConfigText, sortProblems, type ConfigProblem } from './parse-config.js';

export { fieldPosition, formatPath, formatProblem, parseConfigText, sortProblems, type ConfigProblem, type ParseResult } from './parse-config.js';

/** Larger than any hand-written config; a bigger file is a mistake (a log, a binary) and is refused before parsing. */
export const CONFIG_SIZE_LIMIT = 1024 * 1024;

export type LoadResult =
  | { ok: true; config: BerthConfig; document: Document; file: string; text: string; revision: string }
  | { ok: false; problems: ConfigProblem[]; text?: string; revision?: string };

/** The revision of a config file: a hash of its bytes, sent back with every edit as an If-Match. */
export function revisionOf(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * Reads `file` (or checks `text` as if it were that file's new content) and validates it. Never
 * throws for a bad, missing or oversized file: that is a problem at a place.
 */
export async function loadConfig(file: string, options: { text?: string } = {}): Promise<LoadResult> {
  let text = options.text;
  if (text === undefined) {
    const read = await readLimited(file);
    if ('problem' in read) return { ok: false, problems: [read.problem] };
    text = read.text;
  }
  const revision = revisionOf(text);
  const size = Buffer.byteLength(text);
  if (size > CONFIG_SIZE_LIMIT) return { ok: false, problems: [tooLarge(file, size)], revision };
  const parsed = parseConfigText(text, file);
  if (!parsed.ok) return { ...parsed, text, revision };
  const missing = await missingCertificateFiles(parsed.config, parsed);
  if (missing.length > 0) return { ok: false, problems: sortProblems(missing), text, revision };
  return { ...parsed, text, revision };
}

/** The config's warnings placed at their fields, as `FILE:LINE:COL  path  warning: message` lines. */
export function warningLines(loaded: Extract<LoadResult, { ok: true }>): string[] {
  return configWarnings(loaded.config).map((w) => {
    const pos = fieldPosition(loaded.document, w.path);
    return `${loaded.file}:${pos.line}:${pos.column}  ${formatPath(w.path)}  warning: ${w.message}`;
  });
}

async function readLimited(file: string): Promise<{ text: string } | { problem: ConfigProblem }> {
  let handle;
  try {
    handle = await open(file, 'r');
    const { size } = await handle.stat();
    if (size > CONFIG_SIZE_LIMIT) return { problem: tooLarge(file, size) };
    // Read one byte past the limit: the file may have grown since the stat.
    const buffer = Buffer.alloc(CONFIG_SIZE_LIMIT + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > CONFIG_SIZE_LIMIT) return { problem: tooLarge(file, length) };
    }
    return { text: buffer.subarray(0, length).toString('utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot read the file: ${(err as Error).message}`;
    return { problem: { file, line: 1, column: 1, path: '', message, code: 'CONFIG_NOT_FOUND' } };
  } finally {
    await handle?.close();
  }
}

function tooLarge(file: string, size: number): ConfigProblem {
  const message = `the file is ${size.toLocaleString('en-US')} bytes; a config file may be at most 1 MiB (${CONFIG_SIZE_LIMIT.toLocaleString('en-US')} bytes)`;
  return { file, line: 1, column: 1, path: '', message, code: 'CONFIG_TOO_LARGE' };
}
