// The Berth metadata mechanism: differences between a config and what AWS can hold, as entries
// keyed by names (not positions), applied back in order; stale entries are reported, not guessed.
import { describe, expect, it } from 'vitest';
import { applyLocalEntries, deepEqual, diffConfigs, readLocalPath } from '../../../main/export/local-settings.js';

const original = {
  loadBalancers: [{ name: 'web', listeners: [{ port: 80, address: '0.0.0.0', rules: [{ priority: 1, name: 'a' }, { priority: 2 }] }] }],
  targetGroups: [{ name: 'users', port: undefined, targets: { docker: { containerPort: 80 } } }],
};
const rebuilt = {
  loadBalancers: [{ name: 'web', listeners: [{ port: 80, address: '127.0.0.1', rules: [{ priority: 1 }, { priority: 2 }] }] }],
  targetGroups: [{ name: 'users', port: 80, targets: {} }],
};

describe('local settings', () => {
  it('names each difference by keyed path', () => {
    expect(diffConfigs(original, rebuilt)).toEqual([
      { path: 'loadBalancers[web].listeners[80].address', value: '0.0.0.0' },
      { path: 'loadBalancers[web].listeners[80].rules[1].name', value: 'a' },
      { path: 'targetGroups[users].port', unset: true },
      { path: 'targetGroups[users].targets.docker', value: { containerPort: 80 } },
    ]);
  });

  it('restores the original, inserting whole items at their index', () => {
    const target = structuredClone(rebuilt) as Record<string, unknown>;
    const entries = [...diffConfigs(original, rebuilt), { path: 'loadBalancers[web].listeners[80].rules', insertAt: 0, value: { priority: 9 } }];
    expect(applyLocalEntries(target, entries)).toEqual([]);
    const expected = structuredClone(original);
    expected.loadBalancers[0]!.listeners[0]!.rules.unshift({ priority: 9 } as never);
    expect(deepEqual(target, expected)).toBe(true);
    expect(readLocalPath(target, 'loadBalancers[web].listeners[80].rules[9]')).toEqual({ priority: 9 });
  });

  it('reports entries whose item is gone', () => {
    expect(applyLocalEntries(structuredClone(rebuilt), [{ path: 'targetGroups[gone].port', value: 1 }, { path: 'not a path!', value: 1 }])).toEqual(['targetGroups[gone].port', 'not a path!']);
  });

  it('takes out the items the export added, before inserting, and reports one already gone', () => {
    const target = { targetGroups: [{ name: 'users' }, { name: 'users-admin' }], loadBalancers: [] as unknown[] };
    const stale = applyLocalEntries(target, [
      { path: 'targetGroups[users-admin]', remove: true },
      { path: 'targetGroups[never-there]', remove: true },
      { path: 'loadBalancers', insertAt: 0, value: { name: 'off' } },
    ]);
    expect(stale).toEqual(['targetGroups[never-there]']);
    expect(target).toEqual({ targetGroups: [{ name: 'users' }], loadBalancers: [{ name: 'off' }] });
  });

  it('refuses configs whose keyed items differ, which would be an exporter bug', () => {
    expect(() => diffConfigs({ targetGroups: [{ name: 'a' }] }, { targetGroups: [{ name: 'b' }] })).toThrow(/reads back as \[b\] instead of \[a\]/);
  });
});
