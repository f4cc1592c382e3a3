// What the editor may write back to berth.yaml: the file's own config as the engine read it (never
// the effective one, which also holds container-label routes and runtime rule switches), in the
// concise form a person would write — defaults left out, `forward: name` for a single group, numbers
// where the file would have numbers — so that updateConfig's comment-keeping merge changes only what
// the user changed.
import { configSchema, type BerthConfig, type BerthConfigInput } from '../../../shared/model/index.js';
import type { EngineState } from '../../../shared/model/index.js';

/** berth.yaml's config, or undefined when Berth runs without one (zero-config). */
export function fileConfig(state: EngineState): BerthConfig | undefined {
  return state.mode === 'file' && state.configFile ? state.fileConfig : undefined;
}

/** The concise form of a valid config: every key whose removal parses to the same config is dropped. */
export function compactConfig(config: BerthConfig): BerthConfigInput {
  const draft = shorthand(JSON.parse(JSON.stringify(config)) as Record<string, unknown>);
  const target = JSON.stringify(configSchema.parse(draft));
  const same = () => {
    const parsed = configSchema.safeParse(draft);
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
  prune(draft);
  return draft as BerthConfigInput;
}

/** `forward: { targetGroups: [{ name: a, weight: 1 }] }` → `forward: a`; "200" → 200 where the schema takes numbers. */
function shorthand(node: Record<string, unknown>): Record<string, unknown> {
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
  return walk(node) as Record<string, unknown>;
}
