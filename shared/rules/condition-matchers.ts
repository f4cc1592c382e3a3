// One compiled matcher per rule condition, with AWS's semantics (elbv2-model.md 2.2–2.3): values of a
// condition are ORed; `why()` says in words why a request failed, for explain() and the route tester.
import type { Conditions } from '../model/conditions.js';
import { cidrContains, parseCidr, type Cidr } from '../model/cidr.js';
import { compileRe2 } from '../model/re2.js';
import { compileWildcard, type Wildcard } from './wildcard.js';
import type { PreparedRequest } from './rule-request.js';

export type ConditionField = 'hostHeader' | 'pathPattern' | 'httpHeader' | 'httpRequestMethod' | 'queryString' | 'sourceIp';

export interface ConditionMatcher {
  readonly field: ConditionField;
  test(p: PreparedRequest): boolean;
  /** Undefined when the condition matches; otherwise the reason, e.g. `"/a" does not match "/b*"`. */
  why(p: PreparedRequest): string | undefined;
}

/** Cheapest first: a rule's conditions are ANDed, so the first failure ends its evaluation. */
export function compileConditions(c: Conditions): ConditionMatcher[] {
  const out: ConditionMatcher[] = [];
  if (c.httpRequestMethod) out.push(new MethodCondition(c.httpRequestMethod));
  if (c.hostHeader) out.push(new HostCondition(c.hostHeader));
  if (c.pathPattern) out.push(new PathCondition(c.pathPattern));
  if (c.sourceIp) out.push(new SourceIpCondition(c.sourceIp));
  // RE2 is linear but dearer than a glob: regex conditions run after the cheap ones.
  if (c.hostHeaderRegex) out.push(new RegexCondition('hostHeader', c.hostHeaderRegex, (p) => p.host, 'the host'));
  if (c.pathPatternRegex) out.push(new RegexCondition('pathPattern', c.pathPatternRegex, (p) => p.request.path, 'the path'));
  for (const h of c.httpHeader ?? []) out.push(h.regexValues ? new HeaderRegexCondition(h.name, h.regexValues) : new HeaderCondition(h.name, h.values ?? []));
  if (c.queryString) out.push(new QueryCondition(c.queryString));
  return out;
}

const q = (s: string) => JSON.stringify(s);
const anyOf = (list: readonly { source: string }[] | readonly string[]) => {
  const names = list.map((v) => q(typeof v === 'string' ? v : v.source));
  return names.length === 1 ? names[0]! : `any of ${names.join(', ')}`;
};

class HostCondition implements ConditionMatcher {
  readonly field = 'hostHeader';
  private readonly patterns: Wildcard[];
  constructor(values: string[]) {
    this.patterns = values.map((v) => compileWildcard(v, { ignoreCase: true }));
  }
  test(p: PreparedRequest): boolean {
    for (const w of this.patterns) if (w.test(p.host)) return true;
    return false;
  }
  why(p: PreparedRequest): string | undefined {
    if (this.test(p)) return undefined;
    return p.host ? `${q(p.host)} does not match ${anyOf(this.patterns)}` : `the request has no Host, so it does not match ${anyOf(this.patterns)}`;
  }
}

class PathCondition implements ConditionMatcher {
  readonly field = 'pathPattern';
  private readonly patterns: Wildcard[];
  constructor(values: string[]) {
    this.patterns = values.map((v) => compileWildcard(v, { ignoreCase: false }));
  }
  test(p: PreparedRequest): boolean {
    const path = p.request.path;
    for (const w of this.patterns) if (w.test(path)) return true;
    return false;
  }
  why(p: PreparedRequest): string | undefined {
    return this.test(p) ? undefined : `${q(p.request.path)} does not match ${anyOf(this.patterns)}`;
  }
}

class MethodCondition implements ConditionMatcher {
  readonly field = 'httpRequestMethod';
  private readonly methods: Set<string>;
  constructor(private readonly values: string[]) {
    // AWS compares methods exactly and case-sensitively; there are no wildcards here.
    this.methods = new Set(values);
  }
  test(p: PreparedRequest): boolean {
    return this.methods.has(p.request.method);
  }
  why(p: PreparedRequest): string | undefined {
    if (this.test(p)) return undefined;
    return `${q(p.request.method)} is ${this.values.length === 1 ? 'not' : 'none of'} ${this.values.map(q).join(', ')}`;
  }
}

class HeaderCondition implements ConditionMatcher {
  readonly field = 'httpHeader';
  private readonly name: string;
  private readonly patterns: Wildcard[];
  constructor(name: string, values: string[]) {
    this.name = name.toLowerCase();
    this.patterns = values.map((v) => compileWildcard(v, { ignoreCase: true }));
  }
  test(p: PreparedRequest): boolean {
    const value = p.request.headers[this.name];
    if (value === undefined) return false;
    if (typeof value === 'string') return this.one(value);
    // Repeated headers are tried in order until one matches.
    for (const v of value) if (this.one(v)) return true;
    return false;
  }
  why(p: PreparedRequest): string | undefined {
    if (this.test(p)) return undefined;
    const value = p.request.headers[this.name];
    if (value === undefined) return `header ${this.name} is absent`;
    const seen = typeof value === 'string' ? [value] : value;
    return `${this.name}: ${seen.map(q).join(', ')} does not match ${anyOf(this.patterns)}`;
  }
  private one(v: string): boolean {
    const lower = v.toLowerCase();
    for (const w of this.patterns) if (w.test(lower)) return true;
    return false;
  }
}

interface PairPattern {
  key: Wildcard | undefined;
  value: Wildcard;
  label: string;
}

class QueryCondition implements ConditionMatcher {
  readonly field = 'queryString';
  private readonly patterns: PairPattern[];
  constructor(pairs: { key?: string | undefined; value: string }[]) {
    this.patterns = pairs.map((pair) => ({
      key: pair.key === undefined ? undefined : compileWildcard(pair.key, { ignoreCase: true, escapes: true }),
      value: compileWildcard(pair.value, { ignoreCase: true, escapes: true }),
      label: pair.key === undefined ? `a value ${q(pair.value)}` : `${pair.key}=${pair.value}`,
    }));
  }
  test(p: PreparedRequest): boolean {
    if (!p.request.query) return false;
    const pairs = p.queryPairs();
    for (const pattern of this.patterns) {
      for (const pair of pairs) {
        // A pattern without a key matches the value under any key.
        if ((pattern.key === undefined || pattern.key.test(pair.key)) && pattern.value.test(pair.value)) return true;
      }
    }
    return false;
  }
  why(p: PreparedRequest): string | undefined {
    if (this.test(p)) return undefined;
    const wanted = this.patterns.map((x) => x.label).join(' or ');
    return p.request.query ? `no query pair of ${q(p.request.query)} matches ${wanted}` : `the request has no query string, so nothing matches ${wanted}`;
  }
}

class SourceIpCondition implements ConditionMatcher {
  readonly field = 'sourceIp';
  private readonly blocks: { cidr: Cidr; text: string }[];
  constructor(values: string[]) {
    this.blocks = values.flatMap((text) => {
      const cidr = parseCidr(text);
      return cidr ? [{ cidr, text }] : [];
    });
  }
  test(p: PreparedRequest): boolean {
    const address = p.sourceAddress();
    if (!address) return false;
    for (const b of this.blocks) if (cidrContains(b.cidr, address)) return true;
    return false;
  }
  why(p: PreparedRequest): string | undefined {
    if (this.test(p)) return undefined;
    const blocks = this.blocks.map((b) => b.text).join(', ');
    return p.sourceAddress() ? `${p.request.sourceIp} is not in ${blocks}` : `${q(p.request.sourceIp)} is not an IP address, so it is not in ${blocks}`;
  }
}

type Regex = ReturnType<typeof compileRe2>;

/** hostHeaderRegex, pathPatternRegex: RE2 patterns found anywhere in the field (anchor with ^…$). */
class RegexCondition implements ConditionMatcher {
  private readonly patterns: Regex[];
  constructor(
    readonly field: ConditionField,
    values: string[],
    private readonly read: (p: PreparedRequest) => string,
    private readonly what: string,
  ) {
    this.patterns = values.map(compileRe2);
  }
  test(p: PreparedRequest): boolean {
    const text = this.read(p);
    for (const r of this.patterns) if (r.test(text)) return true;
    return false;
  }
  why(p: PreparedRequest): string | undefined {
    if (this.test(p)) return undefined;
    return `${this.what} ${q(this.read(p))} matches no regex of ${anyOf(this.patterns)}`;
  }
}

/** httpHeader with regexValues: repeated headers are tried in order, as with values. */
class HeaderRegexCondition implements ConditionMatcher {
  readonly field = 'httpHeader';
  private readonly name: string;
  private readonly patterns: Regex[];
  constructor(name: string, values: string[]) {
    this.name = name.toLowerCase();
    this.patterns = values.map(compileRe2);
  }
  test(p: PreparedRequest): boolean {
    const value = p.request.headers[this.name];
    if (value === undefined) return false;
    for (const v of typeof value === 'string' ? [value] : value) for (const r of this.patterns) if (r.test(v)) return true;
    return false;
  }
  why(p: PreparedRequest): string | undefined {
    if (this.test(p)) return undefined;
    const value = p.request.headers[this.name];
    if (value === undefined) return `header ${this.name} is absent`;
    return `${this.name}: ${(typeof value === 'string' ? [value] : value).map(q).join(', ')} matches no regex of ${anyOf(this.patterns)}`;
  }
}
