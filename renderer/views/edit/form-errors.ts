// Validation problems (from the shared zod schemas in the page, or from updateConfig on the engine)
// turned into messages per form field, so each shows beside the input it is about.

export type FieldErrors = Record<string, string>;

/** Fields are named by up to two path segments: `priority`, `conditions.hostHeader`, `healthCheck.path`. */
const NESTED = new Set(['conditions', 'action', 'targets', 'healthCheck', 'stickiness']);

export function fieldKey(path: readonly (string | number)[]): string {
  const [a, b, c] = path;
  if (a === undefined) return '';
  if (a === 'targets' && b === 'docker' && typeof c === 'string') return `targets.docker.${c}`;
  if (NESTED.has(String(a)) && b !== undefined && typeof b === 'string') return `${String(a)}.${b}`;
  return String(a);
}

export interface Issue {
  path: readonly PropertyKey[];
  message: string;
  code?: string;
  minimum?: unknown;
  maximum?: unknown;
  origin?: string;
  expected?: string;
}

/** The shared schemas word most limits themselves; zod's generic wording is turned into plain words. */
export function plainMessage(issue: Issue): string {
  const m = issue.message;
  if (issue.code === 'too_small' && m.startsWith('Too small')) {
    if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${String(issue.minimum)} characters`;
    if (issue.origin === 'array') return `needs at least ${String(issue.minimum)}`;
    return `must be at least ${String(issue.minimum)}`;
  }
  if (issue.code === 'too_big' && m.startsWith('Too big')) return issue.origin === 'string' ? `must be at most ${String(issue.maximum)} characters` : `must be at most ${String(issue.maximum)}`;
  if (issue.code === 'invalid_type' && m.startsWith('Invalid input')) return issue.expected === 'number' ? 'must be a whole number' : `must be a ${issue.expected ?? 'value'}`;
  return m;
}

export function issuesToFields(issues: readonly Issue[], prefix: readonly (string | number)[] = []): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (!startsWith(path, prefix)) continue;
    const key = fieldKey(path.slice(prefix.length));
    const message = plainMessage(issue);
    out[key] = out[key] ? `${out[key]}; ${message}` : message;
  }
  return out;
}

/** `loadBalancers[0].listeners[1].rules[2].priority` → `['loadBalancers', 0, 'listeners', 1, 'rules', 2, 'priority']`. */
export function parsePath(path: string): (string | number)[] {
  return [...path.matchAll(/[^.[\]]+/g)].map((m) => (/^\d+$/.test(m[0]) ? Number(m[0]) : m[0]));
}

function startsWith(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.every((p, i) => path[i] === p);
}

/** Comma- or newline-separated values, trimmed, empties dropped. */
export function splitList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Field errors for the object at `at`; problems elsewhere in the config go under '' with their path. */
export function errorsAt(issues: readonly Issue[], at: readonly (string | number)[]): FieldErrors {
  const out = issuesToFields(issues, at);
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (startsWith(path, at)) continue;
    const where = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
    const message = `${where ? `${where}: ` : ''}${plainMessage(issue)}`;
    out[''] = out[''] ? `${out['']}; ${message}` : message;
  }
  return out;
}
