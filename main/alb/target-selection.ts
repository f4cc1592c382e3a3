// From a forward plan to one target: the group (weights, AWSALBTG), then the group's own choice
// (health, algorithm, target stickiness). Shared by plain requests and WebSocket upgrades.
import type { TrafficErrorCode } from './error-responses.js';
import type { ForwardPlan } from './forward-plan.js';
import type { ForwardTarget, ForwardTargetGroup, TargetGroupResolver } from './listener-dependencies.js';

export type Selection =
  | { ok: true; groupName: string; group: ForwardTargetGroup; target: ForwardTarget; setCookies: string[] }
  | { ok: false; groupName: string; code: TrafficErrorCode; detail: string };

export function selectTarget(plan: ForwardPlan, resolve: TargetGroupResolver, cookieHeader: string | undefined, clientIp: string, nowMs: number): Selection {
  const index = plan.choose(cookieHeader, nowMs);
  const groupName = plan.groups[index]!.name;
  const group = resolve(groupName);
  if (!group) return { ok: false, groupName, code: 'TARGET_GROUP_NOT_FOUND', detail: `target group "${groupName}" is not running` };
  if (!group.hasRegisteredTargets()) return { ok: false, groupName, code: 'NO_REGISTERED_TARGETS', detail: `target group "${groupName}" has no registered targets` };
  const pick = group.pick(cookieHeader === undefined ? { clientIp } : { clientIp, cookieHeader });
  if (!pick) return { ok: false, groupName, code: 'NO_HEALTHY_TARGETS', detail: `target group "${groupName}" has no target that can take requests (all draining or paused)` };
  const setCookies = plan.sticky ? [...pick.setCookies, ...plan.cookies(index, nowMs)] : pick.setCookies;
  return { ok: true, groupName, group, target: pick.target, setCookies };
}
