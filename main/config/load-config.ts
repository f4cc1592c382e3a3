// Reads berth.yaml with positions and validates it with the shared schema. Every problem is
// reported, each with FILE:LINE:COL, the field path and a message for a person. `berth validate`
// and `berth up` both come through here.
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isMap, isPair, isScalar, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { configSchema, type BerthConfig } from '../../shared/model/index.js';
import { allowedKeysAt, suggestKey } from './config-keys.js';

export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  /** `loadBalancers[0].listeners[1].port`; empty for the file as a whole. */
  path: string;
  message: string;
  code: 'CONFIG_SYNTAX' | 'CONFIG_INVALID' | 'CONFIG_NOT_FOUND';
}

export type LoadResult =
  | { ok: true; config: BerthConfig; document: Document; file: string }
  | { ok: false; problems: ConfigProblem[] };

type Path = (string | number)[];

export async function loadConfig(file: string): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'no such file' : `cannot read the file: ${(err as Error).message}`;
    return { ok: false, problems: [{ file, line: 1, column: 1, path: '', message, code: 'CONFIG_NOT_FOUND' }] };
  }
  return parseConfigText(text, file);
}

export function parseConfigText(text: string, file: string): LoadResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
        return { file, line: pos.line, column: pos.col, path: '', message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''), code: 'CONFIG_SYNTAX' as const };
      }),
    };
  }
  const raw: unknown = document.toJS() ?? {};
  const result = configSchema.safeParse(raw);
  if (result.success) return { ok: true, config: result.data, document, file };

  const problems: ConfigProblem[] = [];
  for (const issue of flatten(result.error.issues, raw)) {
    problems.push(...toProblems(issue, document, lineCounter, file, raw));
  }
  problems.sort((a, b) => a.line - b.line || a.column - b.column || a.path.localeCompare(b.path));
  return { ok: false, problems: dedupe(problems) };
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.column}  ${p.path || '(file)'}  ${p.message}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

/** A union reports one issue list per branch: keep the branch that fits the value's shape. */
function flatten(issues: readonly z.core.$ZodIssue[], raw: unknown): z.core.$ZodIssue[] {
  const out: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const value = valueAt(raw, issue.path as Path);
      const branches = issue.errors.map((branch) => branch.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as z.core.$ZodIssue));
      const fitting = branches.find((b) => !b.some((i) => i.code === 'invalid_type' && i.path.length === issue.path.length)) ?? branches[typeof value === 'string' ? 0 : branches.length - 1]!;
      out.push(...flatten(fitting, raw));
    } else out.push(issue);
  }
  return out;
}

function toProblems(issue: z.core.$ZodIssue, doc: Document, lc: LineCounter, file: string, raw: unknown): ConfigProblem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(path);
    return issue.keys.map((key) => {
      const suggestion = suggestKey(key, allowed);
      const pos = keyPosition(doc, path, key, lc);
      return {
        file,
        ...pos,
        path: formatPath([...path, key]),
        message: `unknown key "${key}"${suggestion ? ` — did you mean "${suggestion}"?` : allowed.length ? ` (allowed here: ${allowed.join(', ')})` : ''}`,
        code: 'CONFIG_INVALID' as const,
      };
    });
  }
  const pos = nodePosition(doc, path, lc);
  return [{ file, ...pos, path: formatPath(path), message: humanMessage(issue, valueAt(raw, path)), code: 'CONFIG_INVALID' }];
}

function humanMessage(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `is required (${article(issue.expected)})`;
      return `must be ${article(issue.expected)}, got ${describe(value)}`;
    case 'too_small':
      if (issue.origin === 'array') return Number(issue.minimum) === 1 ? 'needs at least one entry' : `needs at least ${String(issue.minimum)} entries`;
      if (issue.origin === 'string') return /^Too small/.test(issue.message) ? `must not be empty` : issue.message;
      return /^Too small/.test(issue.message) ? `must be at least ${String(issue.minimum)}, got ${describe(value)}` : `${issue.message}, got ${describe(value)}`;
    case 'too_big':
      if (issue.origin === 'array') return /^Too big/.test(issue.message) ? `may have at most ${String(issue.maximum)} entries` : issue.message;
      if (issue.origin === 'string') return /^Too big/.test(issue.message) ? `must be at most ${String(issue.maximum)} characters` : issue.message;
      return /^Too big/.test(issue.message) ? `must be at most ${String(issue.maximum)}, got ${describe(value)}` : `${issue.message}, got ${describe(value)}`;
    case 'invalid_value':
      return /^Invalid (option|input)/.test(issue.message) ? `must be one of ${issue.values.map((v) => String(v)).join(', ')}, got ${describe(value)}` : `${issue.message}, got ${describe(value)}`;
    case 'invalid_format':
      return /^Invalid/.test(issue.message) ? `has the wrong format (${issue.format})` : issue.message;
    default:
      return issue.message;
  }
}

function article(type: string): string {
  const map: Record<string, string> = { number: 'a number', string: 'a string', boolean: 'true or false', array: 'a list', object: 'a mapping (key: value)', record: 'a mapping (key: value)' };
  return map[type] ?? type;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return String(value);
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** The node's own position, or — for a missing key — the nearest map that should hold it. */
function nodePosition(doc: Document, path: Path, lc: LineCounter): { line: number; column: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as Node | null | undefined;
    if (node && node.range) {
      const at = n < path.length && isMap(node) ? (keyNodeOffset(node, String(path[n])) ?? node.range[0]) : node.range[0];
      const pos = lc.linePos(at);
      return { line: pos.line, column: pos.col };
    }
  }
  return { line: 1, column: 1 };
}

function keyPosition(doc: Document, parent: Path, key: string, lc: LineCounter): { line: number; column: number } {
  const node = (parent.length === 0 ? doc.contents : doc.getIn(parent, true)) as Node | null | undefined;
  const offset = node && isMap(node) ? keyNodeOffset(node, key) : undefined;
  if (offset === undefined) return nodePosition(doc, parent, lc);
  const pos = lc.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function keyNodeOffset(map: Node, key: string): number | undefined {
  if (!isMap(map)) return undefined;
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && String(item.key.value) === key && item.key.range) return item.key.range[0];
  }
  return undefined;
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.line}:${p.column}:${p.path}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
