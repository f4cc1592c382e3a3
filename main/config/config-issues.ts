// Turns zod's issues for berth.yaml into problems a person can act on: one per field, in words
// ("must be a number, got the string "80"") rather than zod's defaults, a union reported by the shape
// the user evidently meant, and an unknown key with the key it was probably meant to be.
import type { z } from 'zod';
import { crossCheck } from '../../shared/model/cross-checks.js';
import { allowedKeysAt, suggestKey } from './schema-keys.js';

type Issue = z.core.$ZodIssue;
export type FieldPath = (string | number)[];

export interface FieldIssue {
  path: FieldPath;
  message: string;
  /** An unknown key: the position is the key itself, not its value. */
  unknownKey?: string;
}

/** Every issue, with the zod schema that produced them (for the allowed keys of an object). */
export function describeIssues(issues: readonly Issue[], input: unknown, root?: z.core.$ZodType): FieldIssue[] {
  const crossIssues = new Set(crossCheck(input).map((i) => `${pathKey(i.path)}\u0000${i.message}`));
  const described = flattenUnions(issues, input).flatMap((issue) => describe(issue, input, root, crossIssues));
  return dedupe(dropConsequences(described));
}

function describe(issue: Issue, input: unknown, root: z.core.$ZodType | undefined, crossIssues: Set<string>): FieldIssue[] {
  const path = toPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(path, root);
    return issue.keys.map((key) => {
      const suggestion = suggestKey(key, allowed);
      const hint = suggestion ? ` — did you mean "${suggestion}"?` : allowed.length > 0 ? ` (allowed here: ${allowed.join(', ')})` : '';
      return { path: [...path, key], message: `unknown key "${key}"${hint}`, unknownKey: key };
    });
  }
  const value = valueAt(input, path);
  let message = humanMessage(issue, value);
  // A value's own rule ("a static target is host:port") reads better with what was written; the
  // checks across objects already name what they compare.
  const short = (typeof value === 'string' && value.length <= 40) || typeof value === 'number' || typeof value === 'boolean';
  const ownRule = issue.code === 'invalid_format' || (issue.code === 'custom' && !crossIssues.has(`${pathKey(path)}\u0000${issue.message}`));
  if (ownRule && short && !mentions(message, value)) message += `, got ${show(value)}`;
  return [{ path, message }];
}

/**
 * A union reports one issue list per option. Keep the option whose shape fits the value (the
 * string shorthand for a string, the mapping for a mapping); if none fits, say what would.
 */
function flattenUnions(issues: readonly Issue[], input: unknown): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) {
      out.push(issue);
      continue;
    }
    const at = issue.path.length;
    const branches = issue.errors.map((branch) => branch.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as Issue));
    const misfit = (i: Issue) => i.path.length === at && (i.code === 'invalid_type' || i.code === 'invalid_value');
    const fitting = branches.find((b) => !b.some(misfit));
    if (fitting) {
      out.push(...flattenUnions(fitting, input));
      continue;
    }
    const expected = branches.flatMap((b) => b.filter(misfit).map(expectation));
    const value = valueAt(input, toPath(issue.path));
    const alternatives = orList([...new Set(expected)]);
    out.push({ ...issue, code: 'custom', message: value === undefined ? `is required (${alternatives})` : `must be ${alternatives}, got ${show(value)}` } as Issue);
  }
  return out;
}

function expectation(issue: Issue): string {
  if (issue.code === 'invalid_type') return article(issue.expected);
  if (issue.code === 'invalid_value') return orList(issue.values.map((v) => JSON.stringify(v)));
  return 'a different value';
}

export function humanMessage(issue: Issue, value: unknown): string {
  const zodDefault = (re: RegExp) => re.test(issue.message);
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `is required (${article(issue.expected)})`;
      return `must be ${article(issue.expected)}${issue.expected === 'object' || issue.expected === 'record' ? ' (key: value)' : ''}, got ${show(value)}`;
    case 'too_small': {
      const min = String(issue.minimum);
      if (issue.origin === 'array' || issue.origin === 'set') return min === '1' ? 'needs at least one entry' : `needs at least ${min} entries`;
      if (issue.origin === 'string') return !zodDefault(/^Too small/) ? issue.message : min === '1' ? 'must not be empty' : `must be at least ${min} characters`;
      if (!zodDefault(/^Too small/)) return `${issue.message}, got ${show(value)}`;
      return `must be ${issue.inclusive === false ? 'more than' : 'at least'} ${min}, got ${show(value)}`;
    }
    case 'too_big': {
      const max = String(issue.maximum);
      if (issue.origin === 'array' || issue.origin === 'set') return zodDefault(/^Too big/) ? `may have at most ${max} entries` : issue.message;
      if (issue.origin === 'string') return zodDefault(/^Too big/) ? `must be at most ${max} characters` : issue.message;
      if (!zodDefault(/^Too big/)) return `${issue.message}, got ${show(value)}`;
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${max}, got ${show(value)}`;
    }
    case 'invalid_value': {
      const options = orList(issue.values.map((v) => String(v)));
      if (value === undefined) return `is required (${issue.values.length === 1 ? options : `one of ${issue.values.map(String).join(', ')}`})`;
      if (!zodDefault(/^Invalid (option|input)/)) return `${issue.message}, got ${show(value)}`;
      return issue.values.length === 1 ? `must be ${options}, got ${show(value)}` : `must be one of ${issue.values.map(String).join(', ')}, got ${show(value)}`;
    }
    case 'invalid_format':
      return zodDefault(/^Invalid/) ? `has the wrong format (${issue.format})` : issue.message;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}, got ${show(value)}`;
    default:
      return issue.message;
  }
}

/**
 * Problems that only restate another. A misspelt key ("prioirty", "pathPatern") also leaves its
 * object without the key it meant, so the object's own complaints ("priority is required", "a rule
 * needs at least one condition") go once the typo is reported; and a value reported empty is not
 * also reported for its pattern.
 */
function dropConsequences(issues: FieldIssue[]): FieldIssue[] {
  const misspeltIn = new Set<string>();
  const meant = new Set<string>();
  for (const i of issues) {
    const suggestion = i.unknownKey !== undefined ? / — did you mean "(.+)"\?$/.exec(i.message)?.[1] : undefined;
    if (suggestion === undefined) continue;
    misspeltIn.add(pathKey(i.path.slice(0, -1)));
    meant.add(pathKey([...i.path.slice(0, -1), suggestion]));
  }
  const empty = new Set(issues.filter((i) => i.message === 'must not be empty').map((i) => pathKey(i.path)));
  return issues.filter((i) => {
    const key = pathKey(i.path);
    if (i.unknownKey === undefined && misspeltIn.has(key)) return false;
    if (meant.has(key) && i.message.startsWith('is required')) return false;
    return !(empty.has(key) && i.message !== 'must not be empty');
  });
}

function dedupe(issues: FieldIssue[]): FieldIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${pathKey(i.path)}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const pathKey = (path: FieldPath) => JSON.stringify(path);

function toPath(path: readonly PropertyKey[]): FieldPath {
  return path.filter((p): p is string | number => typeof p !== 'symbol');
}

/** `loadBalancers[0].listeners[1].rules[0].priority` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

/** Whether a message already names the value: quoted if a string, as a whole word if a number. */
function mentions(message: string, value: unknown): boolean {
  if (typeof value === 'string') return message.includes(`"${value}"`);
  return new RegExp(`(^|[^\\w.])${String(value).replace('.', '\\.')}(?![\\d.])`).test(message);
}

function article(type: string): string {
  const names: Record<string, string> = {
    number: 'a number',
    int: 'a whole number',
    string: 'a string',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping',
    record: 'a mapping',
  };
  return names[type] ?? type;
}

function orList(items: string[]): string {
  if (items.length <= 1) return items[0] ?? 'a different value';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]!}`;
}

/** How a value the user wrote is named in a message. */
export function show(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return String(value);
}

export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}
