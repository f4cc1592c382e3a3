// The keys an object in berth.yaml allows, read from the schema itself at the object's path, so the
// did-you-mean for an unknown key ("prioirty" → "priority") can never drift from what is accepted.
import type { z } from 'zod';
import { configSchema } from '../../shared/model/index.js';

type Schema = z.core.$ZodType;

/** The parts of zod's schema definitions the walk reads (zod's documented `_zod.def`). */
interface Def {
  type: string;
  shape?: Record<string, Schema>;
  element?: Schema;
  innerType?: Schema;
  in?: Schema;
  options?: readonly Schema[];
  valueType?: Schema;
  getter?: () => Schema;
}

const defOf = (schema: Schema): Def => schema._zod.def as unknown as Def;

/** The concrete schemas behind wrappers: optional/default/pipe input side, every union option. */
function concrete(schema: Schema, depth = 0): Schema[] {
  if (depth > 20) return [];
  const def = defOf(schema);
  if (def.innerType) return concrete(def.innerType, depth + 1);
  if (def.type === 'pipe' && def.in) return concrete(def.in, depth + 1);
  if (def.type === 'union' && def.options) return def.options.flatMap((o) => concrete(o, depth + 1));
  if (def.type === 'lazy' && def.getter) return concrete(def.getter(), depth + 1);
  return [schema];
}

function step(schema: Schema, segment: PropertyKey): Schema[] {
  const def = defOf(schema);
  if (def.type === 'object' && typeof segment === 'string' && def.shape && Object.hasOwn(def.shape, segment)) return [def.shape[segment]!];
  if (def.type === 'array' && typeof segment === 'number' && def.element) return [def.element];
  if (def.type === 'record' && typeof segment === 'string' && def.valueType) return [def.valueType];
  return [];
}

/** The keys the mapping at `path` may hold; empty when the path names no object of the schema. */
export function allowedKeysAt(path: readonly PropertyKey[], root: Schema = configSchema): string[] {
  let current = concrete(root);
  for (const segment of path) current = current.flatMap((s) => step(s, segment)).flatMap((s) => concrete(s));
  const keys = new Set<string>();
  for (const s of current) {
    const def = defOf(s);
    if (def.type === 'object' && def.shape) for (const k of Object.keys(def.shape)) keys.add(k);
  }
  return [...keys];
}

/** The allowed key closest to `unknown`, if it is close enough to be a typo of it. */
export function suggestKey(unknown: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const d = levenshtein(unknown.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  // Up to a third of the word may be wrong (at least 2 edits): "prioirty" and "pathPatern" qualify,
  // "color" does not become "port".
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(unknown.length / 3)) && bestDistance < unknown.length ? best : undefined;
}

export function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
