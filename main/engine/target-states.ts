// Target states as front ends see them: each group's own view, plus whether the Docker part of it is
// still known to be current.
import type { TargetState } from '../../shared/model/index.js';

/** Docker targets come from the last list Docker gave: while it is unreachable they may be gone. */
export function markStale(targets: TargetState[], discoveryStale: boolean): TargetState[] {
  if (!discoveryStale) return targets;
  return targets.map((t) => (t.source === 'docker' ? { ...t, stale: true } : t));
}
