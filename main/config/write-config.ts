// Writes changes back to berth.yaml keeping the user's comments and layout: the change is applied to
// the parsed YAML document (never re-serialised from plain data), the result goes through loadConfig,
// and only a valid file is written, atomically. Each edit names the revision (hash of the bytes) it
// was made against; an edit against other bytes is refused, so a hand edit is never overwritten.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { BerthError } from '../../shared/errors.js';
import type { BerthConfigInput } from '../../shared/model/index.js';
import { writeFileAtomic } from './atomic-write.js';
import { loadConfig, parseConfigText, revisionOf, type ConfigProblem, type LoadResult } from './load-config.js';
import { applyOps, type ConfigOp } from './config-ops.js';
import { keepUntouchedLines } from './keep-lines.js';

export type { ConfigProblem, ConfigOp };

export interface EditOptions {
  /** The revision the edit was made against; when given and the file has other bytes, CONFLICT. */
  revision?: string | undefined;
}

/** The edit's outcome: the new file's config (or the problems), and the bytes it replaced. */
export type EditResult = LoadResult & {
  /** False when the edit changed nothing: the file was not written and keeps its bytes. */
  written: boolean;
  before: { text: string; revision: string };
};

/** Edits of one file run one after another, each on what the previous one wrote. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Applies `edit` to berth.yaml's document (`doc.setIn`, `doc.deleteIn`, …) and writes the result if
 * it is valid. Returns the problems, positioned in the would-be file, and leaves the file untouched
 * when there are any. A missing file is created.
 */
export function editConfigFile(file: string, edit: (doc: Document) => void, options: EditOptions = {}): Promise<EditResult> {
  const key = resolve(file);
  const run = (queues.get(key) ?? Promise.resolve()).catch(() => undefined).then(() => editNow(file, edit, options));
  queues.set(key, run);
  void run.finally(() => queues.get(key) === run && queues.delete(key)).catch(() => undefined);
  return run;
}

/** Path-addressed operations (set, add, remove), JSON Patch-like, on the document as it is on disk. */
export function applyConfigOps(file: string, ops: readonly ConfigOp[], options: EditOptions = {}): Promise<EditResult> {
  return editConfigFile(file, (doc) => applyOps(doc, ops, (d, node, value) => merge(d, node, value)), options);
}

/** Replaces the whole config (as an import sends it), keeping comments on everything that stays. */
export function updateConfigFile(file: string, next: BerthConfigInput, options: EditOptions = {}): Promise<EditResult> {
  return editConfigFile(file, (doc) => mergeIntoDocument(doc, next), options);
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new BerthError('CONFIG_WRITE_FAILED', `cannot read ${file}: ${(err as Error).message}`, { file });
  }
}

async function editNow(file: string, edit: (doc: Document) => void, options: EditOptions): Promise<EditResult> {
  const text = await readText(file);
  const before = { text, revision: revisionOf(text) };
  if (options.revision !== undefined && options.revision !== before.revision) throw conflict(file, options.revision, before.revision);
  // The same options the loader uses, so what is edited is what was validated.
  const doc = parseDocument(text, { uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) return { ...(await loadConfig(file, { text })), written: false, before };
  const plainBefore = JSON.stringify(doc.toJS());
  const baseline = doc.clone();
  edit(doc);
  const printOptions = { flowCollectionPadding: padsFlowCollections(text) };
  const printed = JSON.stringify(doc.toJS()) === plainBefore ? text : keepUntouchedLines(text, baseline.toString(printOptions), doc.toString(printOptions));
  // An edit that changes nothing Berth reads (a value set to what it is, a default spelled out) writes
  // nothing, so the file stays byte for byte as it was.
  const output = printed !== text && sameConfig(text, printed, file) ? text : printed;
  const result = await loadConfig(file, { text: output });
  if (!result.ok || output === text) return { ...result, written: false, before };
  // A hand edit saved while this one was being prepared wins: this one is refused, never written over it.
  const now = await readText(file);
  if (now !== text) throw conflict(file, before.revision, revisionOf(now));
  try {
    await writeFileAtomic(file, output);
  } catch (err) {
    throw new BerthError('CONFIG_WRITE_FAILED', `cannot write ${file}: ${(err as Error).message}`, { file });
  }
  return { ...result, written: true, before };
}

function sameConfig(a: string, b: string, file: string): boolean {
  const x = parseConfigText(a, file);
  const y = parseConfigText(b, file);
  return x.ok && y.ok && JSON.stringify(x.config) === JSON.stringify(y.config);
}

function conflict(file: string, expected: string, current: string): BerthError {
  return new BerthError('CONFLICT', `${file} changed since revision ${expected} (now ${current}): reload it and make the edit again`, { file }, true, { revision: current, baseRevision: expected });
}

/** Makes `doc` hold `next`, reusing every node that still exists so its comments and style stay. */
export function mergeIntoDocument(doc: Document, next: BerthConfigInput): void {
  doc.contents = merge(doc, doc.contents, next) as Document['contents'];
}

function merge(doc: Document, node: unknown, value: unknown): Node {
  if (isPlainObject(value) && isMap(node)) {
    for (const pair of [...node.items]) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (typeof key !== 'string' || value[key] === undefined) node.delete(pair.key);
    }
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue;
      node.set(key, merge(doc, node.get(key, true), v));
    }
    return node;
  }
  if (Array.isArray(value) && isSeq(node)) {
    const old = node.items as Node[];
    const identity = identityOf(old.map((n) => n.toJS(doc) as unknown), value);
    // First the items that kept their identity, then the rest by position (a rule whose priority
    // was edited in place is still that rule).
    const matches: (Node | undefined)[] = value.map((v) => (identity ? old.find((n) => identity(n.toJS(doc)) === identity(v)) : undefined));
    const used = new Set(matches.filter((n): n is Node => n !== undefined));
    value.forEach((_, i) => {
      const candidate = old[i];
      if (!matches[i] && candidate && !used.has(candidate)) {
        matches[i] = candidate;
        used.add(candidate);
      }
    });
    const items = value.map((v, i) => (matches[i] ? merge(doc, matches[i], v) : doc.createNode(v)));
    // yaml keeps a comment above the first item on the list; it belongs with that item.
    if (node.commentBefore && !node.flow && old[0] && items[0] !== old[0]) {
      if (used.has(old[0])) old[0].commentBefore = node.commentBefore;
      node.commentBefore = undefined;
    }
    node.items = items;
    return node;
  }
  if (isScalar(node) && (value === null || typeof value !== 'object')) {
    // In place, so `port: 8080  # the public one` keeps its comment.
    if (node.value !== value) {
      if (typeof node.value !== typeof value) node.type = undefined;
      node.value = value;
    }
    return node;
  }
  return doc.createNode(value);
}

/**
 * How list items are recognised across an edit: load balancers and target groups by name, rules by
 * priority, listeners by port — so deleting the first of three rules keeps the comments of the
 * other two with them. Lists without such a key match by position.
 */
function identityOf(old: unknown[], next: unknown[]): ((item: unknown) => string) | undefined {
  const items = [...old, ...next];
  if (items.length === 0 || !items.every(isPlainObject)) return undefined;
  const ids: Record<string, (item: Record<string, unknown>) => unknown> = {
    name: (i) => i.name,
    priority: (i) => i.priority,
    // Two listeners may share a port over TCP and UDP.
    port: (i) => (typeof i.port === 'number' ? `${i.port}/${String(i.protocol)}` : undefined),
  };
  for (const id of Object.values(ids)) {
    const of = (item: unknown) => id(item as Record<string, unknown>);
    const unique = (list: unknown[]) => new Set(list.map(of)).size === list.length;
    if (items.every((i) => ['string', 'number'].includes(typeof of(i))) && unique(old) && unique(next)) return (item) => String(of(item));
  }
  return undefined;
}

/**
 * yaml writes every flow collection as `[ a ]` or every one as `[a]`; follow what the file mostly
 * does, so an edit does not restyle the lines it did not touch.
 */
function padsFlowCollections(text: string): boolean {
  const padded = text.match(/[[{] /g)?.length ?? 0;
  const tight = text.match(/[[{][^\s\]}]/g)?.length ?? 0;
  return padded >= tight;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
