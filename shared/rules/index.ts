export { compileRules, RuleMatcher, type MatchedRule, type Explanation, type RuleVerdict, type ConditionFailure } from './rule-matcher.js';
export { hostName, parseQuery, normalizeHeaders, type RuleRequest, type QueryPair } from './rule-request.js';
export { compileWildcard, hasWildcard, type Wildcard } from './wildcard.js';
export type { ConditionField } from './condition-matchers.js';
