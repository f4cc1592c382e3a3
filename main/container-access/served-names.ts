// Which DNS names Berth answers for containers: every host a rule or listener names (exact or with
// AWS wildcards), taken from the effective config so zero-config and label routes count as well.
import type { BerthConfig } from '../../shared/model/index.js';
import { compileWildcard, type Wildcard } from '../../shared/rules/index.js';

export interface ServedNames {
  /** True when `name` (any case, with or without the trailing dot) is served by some listener. */
  has(name: string): boolean;
  /** The exact names (no wildcard), for `--add-host` entries where no DNS server can run. */
  readonly exact: readonly string[];
}

export function servedNames(config: BerthConfig): ServedNames {
  const exact = new Set<string>();
  const patterns: Wildcard[] = [];
  const add = (value: string) => {
    const name = value.toLowerCase().replace(/\.$/, '').replace(/:\d+$/, '');
    if (/[*?]/.test(name)) patterns.push(compileWildcard(name, { ignoreCase: true }));
    else if (name) exact.add(name);
  };
  for (const lb of config.loadBalancers) {
    for (const listener of lb.listeners) {
      for (const host of listener.hostnames ?? []) add(host);
      for (const rule of listener.rules) {
        for (const host of rule.conditions.hostHeader ?? []) add(host);
        for (const host of rule.conditions.sni ?? []) add(host);
      }
    }
  }
  return {
    exact: [...exact].sort(),
    has(name: string): boolean {
      const n = name.toLowerCase().replace(/\.$/, '');
      return exact.has(n) || patterns.some((p) => p.test(n));
    },
  };
}
