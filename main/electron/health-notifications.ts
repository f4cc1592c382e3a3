// Which desktop notifications a state change deserves: one when a target group goes down (every
// target that takes new traffic is unhealthy) and one when it comes back, never one per target, so
// a restarting compose project makes one notification instead of a dozen; and one when berth.yaml
// stops loading, not one per save while it stays broken.
import type { EngineState } from '../engine/engine-state.js';
import { isUnhealthy } from '../../shared/model/state.js';

export type GroupHealth = 'down' | 'up';
/** The last settled health per target group, carried from one state to the next. */
export type GroupHealthMemory = ReadonlyMap<string, GroupHealth>;

export interface HealthNotification {
  title: string;
  body: string;
}

/** `undefined` while the group's health is not settled (no targets, or still checking). */
export function groupHealth(group: EngineState['targetGroups'][number]): GroupHealth | undefined {
  // Draining and unused targets take no new requests, so they neither keep a group up nor make it down.
  const serving = group.targets.filter((t) => t.health !== 'draining' && t.health !== 'unused');
  if (serving.some((t) => t.health === 'healthy')) return 'up';
  if (serving.length > 0 && serving.every((t) => isUnhealthy(t.health))) return 'down';
  return undefined;
}

export function groupHealthNotifications(
  memory: GroupHealthMemory,
  groups: EngineState['targetGroups'],
): { notifications: HealthNotification[]; memory: Map<string, GroupHealth> } {
  const next = new Map<string, GroupHealth>();
  const notifications: HealthNotification[] = [];
  for (const group of groups) {
    const before = memory.get(group.name);
    const now = groupHealth(group) ?? before;
    if (now) next.set(group.name, now);
    if (now === 'down' && before !== 'down') {
      const n = group.targets.filter((t) => isUnhealthy(t.health)).length;
      notifications.push({ title: `Berth: ${group.name} is down`, body: `All ${n} target${n === 1 ? ' is' : 's are'} unhealthy.` });
    } else if (now === 'up' && before === 'down') {
      const n = group.targets.filter((t) => t.health === 'healthy').length;
      notifications.push({ title: `Berth: ${group.name} recovered`, body: `${n} healthy target${n === 1 ? '' : 's'}.` });
    }
  }
  return { notifications, memory: next };
}

/** Whether berth.yaml loaded at the last state, carried from one state to the next. */
export type ConfigFileMemory = 'ok' | 'invalid' | 'missing' | undefined;

/** One notification when berth.yaml goes from loading to not loading (broken or deleted); none while it stays so. */
export function configFileNotification(memory: ConfigFileMemory, state: Pick<EngineState, 'configFile' | 'configFileState'>): { notification?: HealthNotification; memory: ConfigFileMemory } {
  const file = state.configFileState;
  if (!file) return { memory };
  const broken = file.status !== 'ok';
  const wasBroken = memory === 'invalid' || memory === 'missing';
  if (!broken || wasBroken) return { memory: file.status };
  const name = state.configFile?.split(/[\\/]/).pop() ?? 'berth.yaml';
  const first = file.problems[0];
  const body =
    file.status === 'missing'
      ? 'The file was deleted. Berth keeps running the last good version until it is back.'
      : `${first ? `${name}:${first.line}:${first.column} ${first.message}` : 'It cannot be loaded.'}${file.problems.length > 1 ? ` (and ${file.problems.length - 1} more)` : ''}. Berth keeps running the last good version.`;
  return { notification: { title: `Berth: ${name} ${file.status === 'missing' ? 'was deleted' : 'has problems'}`, body }, memory: file.status };
}
