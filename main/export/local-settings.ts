// What an export cannot say in AWS terms but `berth import` must restore: Docker selectors, static
// targets, bind addresses, local certificates, disabled or SNI-only rules. They travel as a list of
// path → value entries in the output's Berth metadata (CloudFormation `Metadata`, a Terraform local).
// The entries are computed, not hand-listed: the exported model is read back into a config and every
// difference from the original becomes an entry, so nothing is dropped without a trace.
import { z } from 'zod';

export interface LocalEntry {
  /** Dotted path with keyed segments, e.g. `loadBalancers[web].listeners[8080].address`. */
  path: string;
  value?: unknown;
  /** The field is absent in berth.yaml although the export had to give AWS a value. */
  unset?: true;
  /** A whole item that was not exported: insert `value` at this index of the array at `path`. */
  insertAt?: number;
  /** An item the export added (a keyed path, e.g. `targetGroups[api-admin]`): take it out again. */
  remove?: true;
}

export const LOCAL_SETTINGS_VERSION = 1;

export const localSettingsSchema = z.strictObject({
  version: z.literal(LOCAL_SETTINGS_VERSION),
  local: z.array(
    z.strictObject({
      path: z.string().min(1),
      value: z.unknown().optional(),
      unset: z.literal(true).optional(),
      insertAt: z.number().int().min(0).optional(),
      remove: z.literal(true).optional(),
    }),
  ),
});

/** Arrays whose items are matched by a key rather than by position. */
const KEYS: Record<string, (item: Record<string, unknown>) => string> = {
  loadBalancers: (x) => String(x.name),
  listeners: (x) => String(x.port),
  rules: (x) => String(x.priority),
  targetGroups: (x) => String(x.name),
};

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Structural equality where an `undefined` property equals a missing one (as in zod outputs). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!deepEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** Plain JSON copy: drops `undefined` properties so values serialise identically everywhere. */
export function jsonClone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Entries that turn `rebuilt` into `original`. Both must hold the same keyed items in the same order. */
export function diffConfigs(original: unknown, rebuilt: unknown, path = ''): LocalEntry[] {
  const out: LocalEntry[] = [];
  diffValue(original, rebuilt, path, out);
  return out;
}

function diffValue(a: unknown, b: unknown, path: string, out: LocalEntry[]): void {
  if (deepEqual(a, b)) return;
  if (!isObject(a) || !isObject(b)) {
    out.push({ path, value: jsonClone(a) });
    return;
  }
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const p = path ? `${path}.${k}` : k;
    const av = a[k];
    const bv = b[k];
    const key = KEYS[k];
    if (key && Array.isArray(av) && Array.isArray(bv)) diffKeyed(av as Obj[], bv as Obj[], p, key, out);
    else if (av === undefined && bv !== undefined) out.push({ path: p, unset: true });
    else diffValue(av, bv, p, out);
  }
}

function diffKeyed(as: Obj[], bs: Obj[], path: string, key: (x: Obj) => string, out: LocalEntry[]): void {
  const aKeys = as.map(key);
  const bKeys = bs.map(key);
  if (aKeys.join('\0') !== bKeys.join('\0')) {
    throw new Error(`export: ${path} reads back as [${bKeys.join(', ')}] instead of [${aKeys.join(', ')}]`);
  }
  as.forEach((a, i) => diffValue(a, bs[i], `${path}[${aKeys[i]}]`, out));
}

type Segment = { name: string; key?: string };

function parsePath(path: string): Segment[] | undefined {
  const segments: Segment[] = [];
  for (const part of path.split('.')) {
    const m = /^([A-Za-z0-9_]+)(?:\[([^\]]+)\])?$/.exec(part);
    if (!m) return undefined;
    segments.push(m[2] === undefined ? { name: m[1]! } : { name: m[1]!, key: m[2] });
  }
  return segments;
}

/** Follows the segments to the object holding the last one; undefined when the path leads nowhere. */
function walk(root: Obj, segments: Segment[]): Obj | undefined {
  let here: unknown = root;
  for (const s of segments) {
    if (!isObject(here)) return undefined;
    let next: unknown = here[s.name];
    if (s.key !== undefined) {
      const key = KEYS[s.name];
      if (!key || !Array.isArray(next)) return undefined;
      next = (next as Obj[]).find((item) => key(item) === s.key);
    }
    here = next;
  }
  return isObject(here) ? here : undefined;
}

/** The value at a local-entry path, or undefined. */
export function readLocalPath(root: unknown, path: string): unknown {
  const segments = parsePath(path);
  const last = segments?.pop();
  if (!segments || !last || !isObject(root)) return undefined;
  const parent = walk(root, segments);
  const value = parent?.[last.name];
  if (last.key === undefined) return value;
  const key = KEYS[last.name];
  return key && Array.isArray(value) ? (value as Obj[]).find((item) => key(item) === last.key) : undefined;
}

/**
 * Applies entries to a config object in place (values first, then removals, then insertions in index
 * order: insertion indices count the items of berth.yaml, which holds none of the removed ones).
 * Returns the paths that no longer lead anywhere, e.g. after someone edited the exported file.
 */
export function applyLocalEntries(config: Obj, entries: LocalEntry[]): string[] {
  const unresolved: string[] = [];
  const values = entries.filter((e) => e.insertAt === undefined && !e.remove);
  const removals = entries.filter((e) => e.remove);
  const inserts = entries.filter((e) => e.insertAt !== undefined).sort((x, y) => x.insertAt! - y.insertAt!);
  for (const e of [...values, ...removals, ...inserts]) {
    const segments = parsePath(e.path);
    const last = segments?.pop();
    const parent = segments && walk(config, segments);
    if (e.remove && last?.key !== undefined && parent) {
      const list = parent[last.name];
      const key = KEYS[last.name];
      const at = key && Array.isArray(list) ? (list as Obj[]).findIndex((item) => key(item) === last.key) : -1;
      if (at < 0) unresolved.push(e.path);
      else (list as unknown[]).splice(at, 1);
      continue;
    }
    if (!last || !parent || e.remove || (last.key !== undefined && e.insertAt === undefined)) {
      unresolved.push(e.path);
      continue;
    }
    if (e.insertAt !== undefined) {
      const list = (parent[last.name] ??= []) as unknown[];
      if (!Array.isArray(list)) {
        unresolved.push(e.path);
        continue;
      }
      list.splice(Math.min(e.insertAt, list.length), 0, jsonClone(e.value));
    } else if (e.unset) {
      delete parent[last.name];
    } else {
      parent[last.name] = jsonClone(e.value);
    }
  }
  return unresolved;
}
