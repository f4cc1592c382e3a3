// Configs described in a line for people: what a file holds (`berth validate`), and what changed
// between two versions (the history list, a refused edit).
import type { BerthConfig, Listener } from '../../shared/model/index.js';

/** "2 load balancers, 4 listeners, 3 rules, 5 target groups" */
export function summarizeConfig(config: BerthConfig): string {
  const listeners = config.loadBalancers.flatMap((lb) => lb.listeners);
  const rules = listeners.reduce((n, l) => n + l.rules.length, 0);
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [count(config.loadBalancers.length, 'load balancer'), count(listeners.length, 'listener'), count(rules, 'rule'), count(config.targetGroups.length, 'target group')].join(', ');
}

/**
 * What changed from `before` to `after`, one phrase per changed object: "target group api added",
 * "web 8080/HTTP rule 20 changed". Empty when the two configs are the same.
 */
export function describeChanges(before: BerthConfig | undefined, after: BerthConfig | undefined): string[] {
  const changes: string[] = [];
  const compare = <T>(kind: string, a: Map<string, T>, b: Map<string, T>, inner?: (name: string, x: T, y: T) => string[]) => {
    for (const [name, x] of a) {
      const y = b.get(name);
      if (y === undefined) changes.push(`${kind} ${name} removed`);
      else if (JSON.stringify(x) !== JSON.stringify(y)) {
        const details = inner?.(name, x, y) ?? [];
        changes.push(...(details.length > 0 ? details : [`${kind} ${name} changed`]));
      }
    }
    for (const name of b.keys()) if (!a.has(name)) changes.push(`${kind} ${name} added`);
  };
  const byName = <T extends { name: string }>(list: T[] | undefined) => new Map((list ?? []).map((x) => [x.name, x]));
  const listeners = (list: Listener[]) => new Map(list.map((l) => [`${l.port}/${l.protocol}`, l]));
  const rules = (l: Listener) => new Map(l.rules.map((r) => [String(r.priority), r]));
  compare('load balancer', byName(before?.loadBalancers), byName(after?.loadBalancers), (lb, x, y) => {
    const inner: string[] = [];
    const at = changes.length;
    compare(`${lb} listener`, listeners(x.listeners), listeners(y.listeners), (id, lx, ly) => {
      const ruleChanges: string[] = [];
      const mark = changes.length;
      compare(`${lb} ${id} rule`, rules(lx), rules(ly));
      ruleChanges.push(...changes.splice(mark));
      const { rules: _a, ...restX } = lx;
      const { rules: _b, ...restY } = ly;
      if (JSON.stringify(restX) !== JSON.stringify(restY)) ruleChanges.unshift(`${lb} listener ${id} changed`);
      return ruleChanges;
    });
    inner.push(...changes.splice(at));
    return inner;
  });
  compare('target group', byName(before?.targetGroups), byName(after?.targetGroups));
  return changes;
}

/** The changes as one line, shortened past a few. */
export function changeLine(changes: string[]): string {
  if (changes.length === 0) return 'no change to the config';
  const shown = changes.slice(0, 3).join('; ');
  return changes.length > 3 ? `${shown}; and ${changes.length - 3} more` : shown;
}
