// What the editor may write back to berth.yaml: the effective config minus what container labels
// added (those belong to the containers), in the concise form a person would write — defaults left
// out, `forward: name` for a single group, numbers where the file would have numbers — so that
// updateConfig's comment-keeping merge changes only what the user changed.
import { configSchema, type BerthConfig, type BerthConfigInput } from '../../../shared/model/index.js';
import type { EngineState } from '../../../shared/model/index.js';

const LABEL_LB = 'berth-labels';
const LABEL_PREFIX = 'dev.berth.';

/** Target groups made from `dev.berth.*` labels, and the rules that forward only to them. */
export function labelGroups(state: EngineState): Set<string> {
  const labelled = new Set(state.containers.filter((c) => Object.keys(c.labels).some((k) => k.startsWith(LABEL_PREFIX) && !k.startsWith('dev.berth.test'))).map((c) => c.name));
  const out = new Set<string>();
  for (const tg of state.config.targetGroups) {
    const d = tg.targets.docker;
    if (d?.labels && `${LABEL_PREFIX}group` in d.labels) out.add(tg.name);
    else if (d?.containerName && labelled.has(d.containerName) && tg.name.startsWith('l-')) out.add(tg.name);
  }
  return out;
}

export function fileConfig(state: EngineState): BerthConfig {
  const fromLabels = labelGroups(state);
  const labelOnly = (groups: string[]) => groups.length > 0 && groups.every((g) => fromLabels.has(g));
  const config = structuredClone(state.config);
  config.loadBalancers = config.loadBalancers
    .filter((lb) => lb.name !== LABEL_LB)
    .map((lb) => ({ ...lb, listeners: lb.listeners.map((l) => ({ ...l, rules: l.rules.filter((r) => !labelOnly(r.action.forward?.targetGroups.map((g) => g.name) ?? [])) })) }));
  config.targetGroups = config.targetGroups.filter((g) => !fromLabels.has(g.name));
  return config;
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
