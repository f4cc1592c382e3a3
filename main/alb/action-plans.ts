// Each rule's action compiled once per config change into what serving it needs; the rule matcher
// carries the plan as the matched rule's payload, so a request does no lookups to find it.
import type { Action } from '../../shared/model/index.js';
import { FixedResponsePlan } from './fixed-response.js';
import { ForwardPlan } from './forward-plan.js';
import { RedirectPlan } from './redirect.js';

export type ActionPlan = ForwardPlan | RedirectPlan | FixedResponsePlan;

export function compileAction(action: Action): ActionPlan {
  if (action.forward) return new ForwardPlan(action.forward);
  if (action.redirect) return new RedirectPlan(action.redirect);
  if (action.fixedResponse) return new FixedResponsePlan(action.fixedResponse);
  // The schema guarantees exactly one kind; a config that bypassed it gets a visible answer.
  return new FixedResponsePlan({ statusCode: '500', contentType: 'text/plain', messageBody: 'Berth: this rule has no action\n' });
}
