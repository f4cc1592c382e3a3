import { describe, expect, it } from 'vitest';
import { configFileNotification, groupHealthNotifications, type ConfigFileMemory, type GroupHealthMemory } from '../../../main/electron/health-notifications.js';
import type { EngineState } from '../../../main/engine/engine-state.js';
import type { TargetHealthState } from '../../../shared/model/index.js';

type Groups = EngineState['targetGroups'];

function groups(spec: Record<string, TargetHealthState[]>): Groups {
  return Object.entries(spec).map(([name, healths]) => ({
    name,
    protocol: 'HTTP',
    targets: healths.map((health, i) => ({ id: `${name}-${i}:80`, host: '127.0.0.1', port: 8000 + i, source: 'docker' as const, targetGroup: name, health, inFlight: 0 })),
  }));
}

/** Feeds states in order, as the app does, and collects every notification title. */
function run(states: Groups[]): string[][] {
  let memory: GroupHealthMemory = new Map();
  return states.map((s) => {
    const r = groupHealthNotifications(memory, s);
    memory = r.memory;
    return r.notifications.map((n) => n.title);
  });
}

describe('target group notifications', () => {
  it('says nothing while one target of a group fails and another still serves', () => {
    expect(run([groups({ users: ['healthy', 'healthy'] }), groups({ users: ['unhealthy', 'healthy'] }), groups({ users: ['healthy', 'healthy'] })])).toEqual([[], [], []]);
  });

  it('notifies once when every target is unhealthy, and once when one recovers', () => {
    const titles = run([
      groups({ users: ['healthy', 'healthy'] }),
      groups({ users: ['unhealthy', 'healthy'] }),
      groups({ users: ['unhealthy', 'unhealthy'] }),
      groups({ users: ['unhealthy', 'unhealthy'] }),
      groups({ users: ['unhealthy', 'initial'] }),
      groups({ users: ['unhealthy', 'healthy'] }),
      groups({ users: ['healthy', 'healthy'] }),
    ]);
    expect(titles).toEqual([[], [], ['Berth: users is down'], [], [], ['Berth: users recovered'], []]);
  });

  it('names the group and counts its targets', () => {
    const down = groupHealthNotifications(new Map([['users', 'up']]), groups({ users: ['unhealthy', 'unhealthy', 'unhealthy'] }));
    expect(down.notifications).toEqual([{ title: 'Berth: users is down', body: 'All 3 targets are unhealthy.' }]);
    const up = groupHealthNotifications(down.memory, groups({ users: ['healthy', 'unhealthy', 'unhealthy'] }));
    expect(up.notifications).toEqual([{ title: 'Berth: users recovered', body: '1 healthy target.' }]);
  });

  it('treats groups separately, and ignores draining targets and groups still checking', () => {
    const titles = run([
      groups({ users: ['healthy'], orders: ['initial'], empty: [] }),
      groups({ users: ['unhealthy', 'draining'], orders: ['initial'], empty: [] }),
      groups({ users: ['unhealthy'], orders: ['unhealthy'], empty: [] }),
    ]);
    expect(titles).toEqual([[], ['Berth: users is down'], ['Berth: orders is down']]);
  });

  it('remembers a group that went down while its targets are replaced', () => {
    const titles = run([groups({ users: ['unhealthy'] }), groups({ users: [] }), groups({ users: ['initial'] }), groups({ users: ['healthy'] })]);
    expect(titles).toEqual([['Berth: users is down'], [], [], ['Berth: users recovered']]);
  });
});

describe('berth.yaml notifications', () => {
  const problem = { file: '/home/dev/shop/berth.yaml', line: 5, column: 15, path: 'loadBalancers[0].listeners[0].port', message: 'a port is 1–65535, got 99999' };
  const at = (status: 'ok' | 'invalid' | 'missing', problems = status === 'invalid' ? [problem] : []) => ({
    configFile: '/home/dev/shop/berth.yaml',
    configFileState: { revision: '0123456789abcdef', status, problems, loadedAt: 0 },
  });

  it('notifies once when the file stops loading, not again for each broken save, and again after it was fixed and broke anew', () => {
    let memory: ConfigFileMemory;
    const step = (s: ReturnType<typeof at>) => {
      const r = configFileNotification(memory, s);
      memory = r.memory;
      return r.notification;
    };
    expect(step(at('ok'))).toBeUndefined();
    expect(step(at('invalid'))).toEqual({ title: 'Berth: berth.yaml has problems', body: 'berth.yaml:5:15 a port is 1–65535, got 99999. Berth keeps running the last good version.' });
    expect(step(at('invalid', [problem, { ...problem, line: 7 }]))).toBeUndefined();
    expect(step(at('missing'))).toBeUndefined();
    expect(step(at('ok'))).toBeUndefined();
    expect(step(at('missing'))).toEqual({ title: 'Berth: berth.yaml was deleted', body: 'The file was deleted. Berth keeps running the last good version until it is back.' });
  });

  it('says nothing in zero-config mode', () => {
    expect(configFileNotification(undefined, {})).toEqual({ memory: undefined });
  });
});
