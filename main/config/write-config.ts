// Writes a changed config back to berth.yaml keeping the user's comments and layout: the change is
// applied to the parsed YAML document, validated, and only then written, atomically.
import { parseDocument, type Document } from 'yaml';
import { readFile } from 'node:fs/promises';
import { BerthError } from '../../shared/errors.js';
import type { BerthConfigInput } from '../../shared/model/index.js';
import { writeFileAtomic } from './atomic-write.js';
import { parseConfigText, type ConfigProblem, type LoadResult } from './load-config.js';

/** Replaces the whole config while keeping comments on everything that still exists. */
export function mergeIntoDocument(doc: Document, next: BerthConfigInput): void {
  const apply = (path: (string | number)[], value: unknown, current: unknown): void => {
    if (isPlainObject(value) && isPlainObject(current)) {
      for (const key of Object.keys(current)) if (!(key in value)) doc.deleteIn([...path, key]);
      for (const [key, v] of Object.entries(value)) apply([...path, key], v, current[key]);
      return;
    }
    if (Array.isArray(value) && Array.isArray(current)) {
      for (let i = current.length - 1; i >= value.length; i--) doc.deleteIn([...path, i]);
      value.forEach((v, i) => (i < current.length ? apply([...path, i], v, current[i]) : doc.addIn(path, doc.createNode(v))));
      return;
    }
    if (JSON.stringify(value) !== JSON.stringify(current)) {
      if (path.length === 0) doc.contents = doc.createNode(value) as Document['contents'];
      else doc.setIn(path, doc.createNode(value));
    }
  };
  apply([], next, doc.toJS() ?? {});
}

/**
 * Validates `next` as it would be written and writes it only if valid. Returns the problems (with
 * positions in the would-be file) and leaves the file untouched when there are any.
 */
export async function updateConfigFile(file: string, next: BerthConfigInput): Promise<LoadResult> {
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new BerthError('CONFIG_WRITE_FAILED', `cannot read ${file}: ${(err as Error).message}`, { file });
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new BerthError('CONFIG_SYNTAX', `${file} has YAML errors; fix them before editing it from Berth`, { file });
  mergeIntoDocument(doc, next);
  const output = doc.toString();
  const result = parseConfigText(output, file);
  if (!result.ok) return result;
  try {
    await writeFileAtomic(file, output);
  } catch (err) {
    throw new BerthError('CONFIG_WRITE_FAILED', `cannot write ${file}: ${(err as Error).message}`, { file });
  }
  return result;
}

export type { ConfigProblem };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
