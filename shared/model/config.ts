// berth.yaml as a whole: load balancers and target groups, plus the checks that span objects
// (references, priorities, listener/target-group pairing, duplicate ports) that AWS's API enforces.
import { z } from 'zod';
import { loadBalancerSchema } from './load-balancer.js';
import { targetGroupSchema } from './target-group.js';
import { crossCheck } from './cross-checks.js';

export { compatibleTargetGroupProtocols, type ConfigIssue } from './cross-checks.js';

export const configSchema = z
  .strictObject({
    loadBalancers: z.array(loadBalancerSchema).default([]),
    targetGroups: z.array(targetGroupSchema).default([]),
  })
  // `when`: also after a field failed its own schema (crossCheck reads defensively), so every problem
  // is reported in one pass.
  .superRefine(
    (config, ctx) => {
      for (const issue of crossCheck(config)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    },
    { when: () => true },
  );

export type BerthConfig = z.output<typeof configSchema>;
export type BerthConfigInput = z.input<typeof configSchema>;
