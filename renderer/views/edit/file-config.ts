// What the editor may write back to berth.yaml: the file's own config as the engine read it (never
// the effective one, which also holds container-label routes and runtime rule switches), and each
// edited value in the concise form a person would write — defaults left out, `forward: name` for a
// single group, numbers where the file would have numbers — so an edit adds no lines of defaults.
import { configSchema, type BerthConfig } from '../../../shared/model/index.js';
import type { EngineState } from '../../../shared/model/index.js';
import type { ConfigOp, Edited, Path } from './config-edits.js';

/** berth.yaml's config, or undefined when Berth runs without one (zero-config). */
export function fileConfig(state: EngineState): BerthConfig | undefined {
  return state.mode === 'file' && state.configFile ? state.fileConfig : undefined;
}

/** The edit as operations for editConfig, each value taken from the validated config and made concise. */
export function editOps(edit: Edited, parsed: BerthConfig): ConfigOp[] {
  return edit.ops.map((op) => (op.op === 'remove' ? { op: 'remove', path: op.path } : { op: op.op, path: op.path, value: compactAt(parsed, op.path) }));
}

/** The value at `path` of a valid config (the whole config for []), without every key whose removal parses to the same config. */
export function compactAt(config: BerthConfig, path: Path): unknown {
  // Held one level up, so that the config itself (path []) is compacted the same way as any value in it.
  const root = { config: JSON.parse(JSON.stringify(config)) as unknown };
  const full: Path = ['config', ...path];
  const parent = full.slice(0, -1).reduce<Record<string | number, unknown>>((node, key) => node[key] as Record<string | number, unknown>, root);
  const last = full[full.length - 1]!;
  parent[last] = shorthand(parent[last], path.length > 0 && typeof last === 'string' ? last : undefined);
  const target = JSON.stringify(configSchema.parse(root.config));
  const same = () => {
    const parsed = configSchema.safeParse(root.config);
    return parsed.success && JSON.stringify(parsed.data) === target;
  };
  const prune = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(prune);
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      const value = obj[key];
      delete obj[key];
      if (same()) continue;
      obj[key] = value;
      prune(value);
    }
  };
  prune(parent[last]);
  return parent[last];
}

/** `forward: { targetGroups: [{ name: a, weight: 1 }] }` → `forward: a`; "200" → 200 where the schema takes numbers. */
function shorthand(node: unknown, key?: string): unknown {
  const walk = (v: unknown, key?: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (key === 'forward') {
        const groups = o.targetGroups as { name: string; weight: number }[] | undefined;
        if (groups?.length === 1 && groups[0]!.weight === 1 && !(o.stickiness as { enabled?: boolean } | undefined)?.enabled) return groups[0]!.name;
      }
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x, k)]));
    }
    if (typeof v === 'string' && /^\d+$/.test(v) && (key === 'statusCode' || key === 'port' || key === 'matcher')) return Number(v);
    return v;
  };
  return walk(node, key);
}
