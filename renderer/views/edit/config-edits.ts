// The editor's changes as pure functions on the config berth.yaml holds: each returns a new config
// (checked in the page), where the changed object sits (so problems go beside its fields), and the
// operations that make the change in the file itself, so nothing else in it is touched.
import type { MethodInput } from '../../../shared/contract/index.js';
import type { BerthConfig } from '../../../shared/model/index.js';

export type Path = (string | number)[];
export type ConfigOp = MethodInput<'editConfig'>['ops'][number];
export interface Edited {
  config: BerthConfig;
  /** Where the edited object is, e.g. `['loadBalancers', 0, 'listeners', 1, 'rules', 2]`. */
  at: Path;
  /** The change as operations on berth.yaml; a value is the one at the same path in `config`. */
  ops: { op: ConfigOp['op']; path: Path }[];
}

export interface ListenerRef {
  loadBalancer: string;
  /** `<port>/<protocol>` */
  listener: string;
}

function locate(config: BerthConfig, ref: ListenerRef): { li: number; lj: number } {
  const li = config.loadBalancers.findIndex((lb) => lb.name === ref.loadBalancer);
  const lj = li < 0 ? -1 : config.loadBalancers[li]!.listeners.findIndex((l) => `${l.port}/${l.protocol}` === ref.listener);
  if (lj < 0) throw new Error(`listener ${ref.listener} of ${ref.loadBalancer} is not in berth.yaml`);
  return { li, lj };
}

/** Replaces the rule that had `priority` (or adds one when undefined). */
export function putRule(config: BerthConfig, ref: ListenerRef, priority: number | undefined, rule: Record<string, unknown>): Edited {
  const next = structuredClone(config);
  const { li, lj } = locate(next, ref);
  const rules = next.loadBalancers[li]!.listeners[lj]!.rules as unknown[];
  const index = priority === undefined ? -1 : (rules as { priority: number }[]).findIndex((r) => r.priority === priority);
  const at = index < 0 ? rules.length : index;
  rules[at] = rule;
  const path = ['loadBalancers', li, 'listeners', lj, 'rules', at];
  return { config: next, at: path, ops: [{ op: index < 0 ? 'add' : 'set', path }] };
}

export function deleteRule(config: BerthConfig, ref: ListenerRef, priority: number): Edited {
  const next = structuredClone(config);
  const { li, lj } = locate(next, ref);
  const listener = next.loadBalancers[li]!.listeners[lj]!;
  const index = listener.rules.findIndex((r) => r.priority === priority);
  listener.rules = listener.rules.filter((r) => r.priority !== priority);
  return { config: next, at: ['loadBalancers', li, 'listeners', lj], ops: index < 0 ? [] : [{ op: 'remove', path: ['loadBalancers', li, 'listeners', lj, 'rules', index] }] };
}

/** Moves a rule one place up or down in evaluation order by swapping priorities with its neighbour. */
export function moveRule(config: BerthConfig, ref: ListenerRef, priority: number, direction: -1 | 1): Edited | undefined {
  const next = structuredClone(config);
  const { li, lj } = locate(next, ref);
  const rules = next.loadBalancers[li]!.listeners[lj]!.rules;
  const sorted = [...rules].sort((a, b) => a.priority - b.priority);
  const i = sorted.findIndex((r) => r.priority === priority);
  const other = sorted[i + direction];
  const self = sorted[i];
  if (!other || !self) return undefined;
  [self.priority, other.priority] = [other.priority, self.priority];
  const rulePath = (r: object) => ['loadBalancers', li, 'listeners', lj, 'rules', rules.indexOf(r as never), 'priority'];
  return { config: next, at: ['loadBalancers', li, 'listeners', lj], ops: [{ op: 'set', path: rulePath(self) }, { op: 'set', path: rulePath(other) }] };
}

/** Replaces the group named `name` (or adds one when undefined); forwards follow a rename. */
export function putGroup(config: BerthConfig, name: string | undefined, group: Record<string, unknown>): Edited {
  const next = structuredClone(config);
  const groups = next.targetGroups as unknown[];
  const index = name === undefined ? -1 : next.targetGroups.findIndex((g) => g.name === name);
  const at = index < 0 ? groups.length : index;
  groups[at] = group;
  const ops: Edited['ops'] = [{ op: index < 0 ? 'add' : 'set', path: ['targetGroups', at] }];
  const renamed = typeof group.name === 'string' && name !== undefined && group.name !== name ? group.name : undefined;
  if (renamed) {
    next.loadBalancers.forEach((lb, li) =>
      lb.listeners.forEach((l, lj) => {
        const actions: [Path, BerthConfig['loadBalancers'][number]['listeners'][number]['defaultAction']][] = [
          [['loadBalancers', li, 'listeners', lj, 'defaultAction'], l.defaultAction],
          ...l.rules.map((r, ri): [Path, typeof r.action] => [['loadBalancers', li, 'listeners', lj, 'rules', ri, 'action'], r.action]),
        ];
        for (const [path, action] of actions) {
          const forwards = action.forward?.targetGroups.filter((g) => g.name === name) ?? [];
          for (const g of forwards) g.name = renamed;
          if (forwards.length > 0) ops.push({ op: 'set', path: [...path, 'forward'] });
        }
      }),
    );
  }
  return { config: next, at: ['targetGroups', at], ops };
}

export function deleteGroup(config: BerthConfig, name: string): Edited {
  const next = structuredClone(config);
  const index = next.targetGroups.findIndex((g) => g.name === name);
  next.targetGroups = next.targetGroups.filter((g) => g.name !== name);
  return { config: next, at: ['targetGroups'], ops: index < 0 ? [] : [{ op: 'remove', path: ['targetGroups', index] }] };
}
