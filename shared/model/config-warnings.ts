// Things a valid config may hold that will not do what its author most likely meant: reported by
// `berth validate` and `berth up` as warnings (the file still loads), each at its field.
import type { BerthConfig } from './config.js';
import { selectorProtocolConflict } from './target-group.js';

export interface ConfigWarning {
  path: (string | number)[];
  message: string;
}

export function configWarnings(config: BerthConfig): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  config.targetGroups.forEach((tg, i) => {
    const conflict = selectorProtocolConflict(tg.protocol, tg.targets.docker?.protocol);
    if (conflict) warnings.push({ path: ['targetGroups', i, 'targets', 'docker', 'protocol'], message: conflict });
  });
  return warnings;
}
