// berth.yaml's text parsed with positions and checked against the shared schema: every problem is
// reported with FILE:LINE:COL, the field path and a message for a person. loadConfig (load-config.ts)
// is the one entry that everything calls; this is its pure first step.
import { LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import { configSchema, type BerthConfig } from '../../shared/model/index.js';
import { describeIssues, formatPath } from './config-issues.js';
import { keyPosition, valuePosition, type Position } from './yaml-positions.js';

export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  /** `loadBalancers[0].listeners[1].port`; empty for the file as a whole. */
  path: string;
  message: string;
  code: 'CONFIG_SYNTAX' | 'CONFIG_INVALID' | 'CONFIG_NOT_FOUND' | 'CONFIG_TOO_LARGE';
}

export type ParseResult =
  | { ok: true; config: BerthConfig; document: Document; file: string }
  | { ok: false; problems: ConfigProblem[] };

export { formatPath };

/** The line counters of the documents parsed here, so later checks can place their problems too. */
const lineCounters = new WeakMap<Document, LineCounter>();

/** LINE:COL of the field at `path` in a document parsed by this module (1:1 for any other). */
export function fieldPosition(document: Document, path: readonly (string | number)[]): Position {
  const lc = lineCounters.get(document);
  return lc ? valuePosition(document, lc, path) : { line: 1, column: 1 };
}

/** Parses and validates berth.yaml's text; `file` is only used to label the problems. */
export function parseConfigText(text: string, file: string): ParseResult {
  const lineCounter = new LineCounter();
  // merge: `<<: *defaults` is common in hand-written YAML (compose files use it) and costs nothing.
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, merge: true });
  if (document.errors.length > 0) return { ok: false, problems: syntaxProblems(document.errors, text, file) };
  const aliasProblems = unresolvedAliases(document, lineCounter, file);
  if (aliasProblems.length > 0) return { ok: false, problems: aliasProblems };

  let raw: unknown;
  try {
    // An empty file (or one holding only comments) is an empty config.
    raw = document.toJS({ maxAliasCount: 1000 }) ?? {};
  } catch (err) {
    return { ok: false, problems: [{ file, line: 1, column: 1, path: '', message: (err as Error).message, code: 'CONFIG_SYNTAX' }] };
  }
  const result = configSchema.safeParse(raw);
  if (result.success) {
    lineCounters.set(document, lineCounter);
    return { ok: true, config: result.data, document, file };
  }

  const problems = describeIssues(result.error.issues, raw).map((issue): ConfigProblem => {
    const pos =
      issue.unknownKey !== undefined
        ? keyPosition(document, lineCounter, issue.path.slice(0, -1), issue.unknownKey)
        : valuePosition(document, lineCounter, issue.path);
    return { file, ...pos, path: formatPath(issue.path), message: issue.message, code: 'CONFIG_INVALID' };
  });
  return { ok: false, problems: sortProblems(problems) };
}

/** `FILE:LINE:COL  path.to.field  message`, the line `berth validate` prints. */
export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.column}  ${p.path || '(file)'}  ${p.message}`;
}

export function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.column - b.column || a.path.localeCompare(b.path) || a.message.localeCompare(b.message));
}

/** yaml's messages without its position suffix and excerpt; one per line, as later ones usually follow from the first. */
function syntaxProblems(errors: readonly YAMLError[], text: string, file: string): ConfigProblem[] {
  const byLine = new Map<number, ConfigProblem>();
  for (const e of errors) {
    const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
    if (byLine.has(pos.line)) continue;
    byLine.set(pos.line, { file, line: pos.line, column: pos.col, path: '', message: syntaxMessage(e, text), code: 'CONFIG_SYNTAX' });
  }
  return [...byLine.values()];
}

function syntaxMessage(e: YAMLError, text: string): string {
  switch (e.code) {
    case 'DUPLICATE_KEY':
      return `duplicate key "${keyAt(text, e.pos[0])}": a key may appear only once in a mapping`;
    case 'MULTIPLE_DOCS':
      return 'a second YAML document ("---") starts here; berth.yaml holds one document';
    case 'TAB_AS_INDENT':
      return 'a tab used for indentation; YAML indents with spaces';
    default: {
      const first = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      const unclosed = /end with a ([\]}])$/.exec(first)?.[1];
      if (unclosed) return `the ${unclosed === ']' ? 'list' : 'mapping'} opened with "${unclosed === ']' ? '[' : '{'}" is not closed with "${unclosed}" before here`;
      return first;
    }
  }
}

/** The key written at `offset` (yaml's error range covers only its first character). */
function keyAt(text: string, offset: number): string {
  const m = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^:,{}\n]*?))\s*:/.exec(text.slice(offset));
  return m ? (m[1] ?? m[2]?.replace(/''/g, "'") ?? m[3] ?? '') : text.slice(offset, offset + 1);
}

function unresolvedAliases(doc: Document, lc: LineCounter, file: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  visit(doc, {
    Alias(_, node) {
      if (node.resolve(doc) !== undefined || !node.range) return;
      const pos = lc.linePos(node.range[0]);
      problems.push({ file, line: pos.line, column: pos.col, path: '', message: `the alias *${node.source} names no anchor &${node.source} written before it`, code: 'CONFIG_SYNTAX' });
    },
  });
  return problems;
}
