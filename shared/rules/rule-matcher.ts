// The one rule matcher (engine, route tester, tests): a listener's rules compiled once per config
// change. AWS semantics: ascending priority, first match wins, disabled rules skipped, default last.
// Rules are indexed by exact host, then wildcard hosts, then host-less rules — those again by the
// first path segment when their path patterns pin it down (`/api/*` → `api`). The candidate lists
// are merged by priority, so a 10,000-rule listener tests a handful of rules, not all of them.
import type { Action } from '../model/actions.js';
import type { Listener, Rule } from '../model/load-balancer.js';
import { compileConditions, type ConditionField, type ConditionMatcher } from './condition-matchers.js';
import { PreparedRequest, normalizeHeaders, type RuleRequest } from './rule-request.js';
import { hasWildcard } from './wildcard.js';

export interface MatchedRule<P> {
  /** The rule's priority; undefined for the listener's default action. */
  readonly priority: number | undefined;
  /** `"10"` or `"default"`, as traffic records name rules. */
  readonly label: string;
  readonly name: string | undefined;
  readonly action: Action;
  /** Whatever the caller compiled for this action (the listener keeps its action plan here). */
  readonly payload: P;
}

export interface ConditionFailure {
  condition: ConditionField;
  reason: string;
  /** `condition: reason`, e.g. `pathPattern: "/api/users" does not match "/api/auth*"`. */
  message: string;
}

export interface RuleVerdict {
  priority: number;
  name?: string;
  outcome: 'matched' | 'failed' | 'disabled';
  /** Every condition that failed, in evaluation order (empty unless `failed`). */
  failures: ConditionFailure[];
}

export interface Explanation {
  matched: { label: string; priority?: number; name?: string; action: Action };
  /** The matched rule and every rule before it, in priority order. */
  rules: RuleVerdict[];
}

class CompiledRule<P> implements MatchedRule<P> {
  readonly label: string;
  constructor(
    readonly priority: number | undefined,
    readonly name: string | undefined,
    readonly action: Action,
    readonly payload: P,
    readonly conditions: ConditionMatcher[],
  ) {
    this.label = priority === undefined ? 'default' : String(priority);
  }

  matches(p: PreparedRequest): boolean {
    for (const c of this.conditions) if (!c.test(p)) return false;
    return true;
  }
}

const NONE: never[] = [];
type Listed = Pick<Listener, 'rules' | 'defaultAction'>;

export class RuleMatcher<P = undefined> {
  private readonly byHost = new Map<string, CompiledRule<P>[]>();
  private readonly wildcardHost: CompiledRule<P>[] = [];
  /** Host-less rules whose path patterns all fix the first segment, by that segment. */
  private readonly bySegment = new Map<string, CompiledRule<P>[]>();
  /** Host-less rules that may match any path. */
  private readonly anyHost: CompiledRule<P>[] = [];
  private readonly all: { rule: Rule; compiled: CompiledRule<P> }[];
  private readonly fallback: CompiledRule<P>;
  // Matching is synchronous, so one scratch view serves every call.
  private readonly prepared = new PreparedRequest();

  constructor(listener: Listed, payload: (action: Action, rule: Rule | undefined) => P) {
    const sorted = [...listener.rules].sort((a, b) => a.priority - b.priority);
    this.all = sorted.map((rule) => ({
      rule,
      compiled: new CompiledRule(rule.priority, rule.name, rule.action, payload(rule.action, rule), compileConditions(rule.conditions)),
    }));
    this.fallback = new CompiledRule<P>(undefined, undefined, listener.defaultAction, payload(listener.defaultAction, undefined), []);
    for (const { rule, compiled } of this.all) {
      if (!rule.enabled) continue;
      const hosts = rule.conditions.hostHeader;
      if (!hosts) {
        const segments = rule.conditions.pathPattern?.map(firstSegmentOfPattern);
        if (!segments || segments.includes(undefined)) this.anyHost.push(compiled);
        else for (const segment of new Set(segments as string[])) addTo(this.bySegment, segment, compiled);
        continue;
      }
      // A rule naming both exact and wildcard hosts sits in both lists; the merge visits it once.
      if (hosts.some(hasWildcard)) this.wildcardHost.push(compiled);
      for (const host of new Set(hosts.filter((h) => !hasWildcard(h)).map((h) => h.toLowerCase()))) addTo(this.byHost, host, compiled);
    }
  }

  /** The first enabled rule (by priority) whose conditions all match, else the default action. */
  match(request: RuleRequest): MatchedRule<P> {
    const p = this.prepared.reset(request);
    const exact = this.byHost.get(p.host) ?? NONE;
    const wild = this.wildcardHost;
    const segment = this.bySegment.size === 0 ? NONE : (this.bySegment.get(firstSegment(request.path)) ?? NONE);
    const any = this.anyHost;
    let i = 0;
    let j = 0;
    let k = 0;
    let l = 0;
    for (;;) {
      const a = exact[i];
      const b = wild[j];
      const c = segment[k];
      const d = any[l];
      let best = a;
      if (b !== undefined && (best === undefined || b.priority! < best.priority!)) best = b;
      if (c !== undefined && (best === undefined || c.priority! < best.priority!)) best = c;
      if (d !== undefined && (best === undefined || d.priority! < best.priority!)) best = d;
      if (best === undefined) return this.fallback;
      if (best === a) i++;
      if (best === b) j++;
      if (best === c) k++;
      if (best === d) l++;
      if (best.matches(p)) return best;
    }
  }

  /**
   * Which rule matched, and for each rule before it why it did not: the control API's and the route
   * tester's answer. A plain scan over every rule, independent of the index `match()` uses.
   */
  explain(request: RuleRequest): Explanation {
    const { method, host, path, query, sourceIp } = request;
    const p = this.prepared.reset({ method, host, path, query, sourceIp, headers: normalizeHeaders(request.headers) });
    const rules: RuleVerdict[] = [];
    for (const { rule, compiled } of this.all) {
      const base = { priority: rule.priority, ...(rule.name ? { name: rule.name } : {}) };
      if (!rule.enabled) {
        rules.push({ ...base, outcome: 'disabled', failures: [] });
        continue;
      }
      const failures: ConditionFailure[] = [];
      for (const c of compiled.conditions) {
        const reason = c.why(p);
        if (reason !== undefined) failures.push({ condition: c.field, reason, message: `${c.field}: ${reason}` });
      }
      if (failures.length === 0) {
        rules.push({ ...base, outcome: 'matched', failures });
        return { matched: { label: compiled.label, ...base, action: rule.action }, rules };
      }
      rules.push({ ...base, outcome: 'failed', failures });
    }
    return { matched: { label: 'default', action: this.fallback.action }, rules };
  }

  /** Rules that take part in matching (enabled ones). */
  get enabledRuleCount(): number {
    return this.all.filter((r) => r.rule.enabled).length;
  }
}

function addTo<R>(index: Map<string, R[]>, key: string, rule: R): void {
  const list = index.get(key);
  if (list) list.push(rule);
  else index.set(key, [rule]);
}

/** `/api/v1` → `api`; the first segment of a request path (empty for `/` or a path without one). */
function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return end < 0 ? path.slice(1) : path.slice(1, end);
}

/**
 * The first segment every path matching `pattern` must have, or undefined when the pattern leaves
 * it open: `/api/*` and `/api` fix `api`; `/api*`, `/a?i/x`, `*` and `api/x` do not.
 */
function firstSegmentOfPattern(pattern: string): string | undefined {
  if (!pattern.startsWith('/')) return undefined;
  const end = pattern.indexOf('/', 1);
  const segment = end < 0 ? pattern.slice(1) : pattern.slice(1, end);
  return hasWildcard(segment) ? undefined : segment;
}

/** Compiles a listener's rules; `payload` attaches the caller's per-action data to each rule. */
export function compileRules(listener: Listed): RuleMatcher<undefined>;
export function compileRules<P>(listener: Listed, payload: (action: Action, rule: Rule | undefined) => P): RuleMatcher<P>;
export function compileRules<P>(listener: Listed, payload?: (action: Action, rule: Rule | undefined) => P): RuleMatcher<P | undefined> {
  return new RuleMatcher<P | undefined>(listener, payload ?? (() => undefined));
}
