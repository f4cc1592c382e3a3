// Builders shared by the rule matcher specs: a one-rule listener and a request with defaults.
import type { Action, Conditions, Rule } from '../../../shared/model/index.js';
import { compileRules, type RuleRequest } from '../../../shared/rules/index.js';

export const OK: Action = { fixedResponse: { statusCode: '200', messageBody: 'rule' } };
export const DEFAULT: Action = { fixedResponse: { statusCode: '404', messageBody: 'default' } };

export function rule(priority: number, conditions: Partial<Conditions>, extra: Partial<Rule> = {}): Rule {
  return { priority, enabled: true, conditions: conditions as Conditions, action: OK, ...extra };
}

export function request(over: Partial<RuleRequest> = {}): RuleRequest {
  return { method: 'GET', host: 'app.example.com', path: '/', query: '', headers: {}, sourceIp: '127.0.0.1', ...over };
}

/** Whether a single rule with these conditions matches the request. */
export function matches(conditions: Partial<Conditions>, over: Partial<RuleRequest>): boolean {
  const matcher = compileRules({ rules: [rule(1, conditions)], defaultAction: DEFAULT });
  return matcher.match(request(over)).label === '1';
}
