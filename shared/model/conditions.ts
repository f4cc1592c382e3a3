// Listener rule conditions, with AWS's value rules (elbv2-model.md 2.2–2.3). `sni` is Berth's own
// extension for network listeners (TLS pass-through routing by ClientHello SNI); it has no AWS export.
import { z } from 'zod';
import { LIMITS } from './limits.js';
import { isCidr } from './cidr.js';
import { re2Problem, REGEX_MAX_LENGTH } from './re2.js';

const value = z.string().min(1, 'must not be empty').max(LIMITS.conditionValueMaxLength, `must be at most ${LIMITS.conditionValueMaxLength} characters`);
const perCondition = `at most ${LIMITS.valuesPerCondition} values per condition (AWS quota)`;
const valueList = <T extends z.ZodType>(item: T) => z.array(item).min(1, 'needs at least one value');

export const hostHeaderValue = value
  .regex(/^[A-Za-z0-9\-.*?]+$/, 'a host name may hold only letters, digits, "-", "." and the wildcards * and ?')
  .refine((v) => v.includes('.'), 'a host name must contain a "." (AWS rejects single-label names such as "localhost"; use e.g. "app.localhost")')
  .refine((v) => !v.includes('.') || /\.[A-Za-z*?]+$/.test(v), 'only letters (or wildcards) may follow the last "." of a host name');

export const pathPatternValue = value
  .regex(/^[A-Za-z0-9_\-.$/~"'@:+&*?]+$/, 'a path pattern may hold only A-Z a-z 0-9 _ - . $ / ~ " \' @ : + & and the wildcards * and ?');

/** An RE2 pattern (AWS regex conditions, Oct 2025): ≤ 128 characters, no look-arounds or back-references. */
export const regexValue = z
  .string()
  .min(1, 'must not be empty')
  .max(REGEX_MAX_LENGTH, `a regex is at most ${REGEX_MAX_LENGTH} characters`)
  .superRefine((v, ctx) => {
    const problem = re2Problem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const httpHeaderCondition = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(LIMITS.headerNameMaxLength, `a header name is at most ${LIMITS.headerNameMaxLength} characters`)
    .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, 'a header name must be an HTTP token (no spaces, no wildcards)')
    .refine((n) => n.toLowerCase() !== 'host', 'use hostHeader for the Host header'),
  values: valueList(value).optional(),
  /** RE2 patterns, instead of `values` (AWS: `RegexValues`). */
  regexValues: valueList(regexValue).max(LIMITS.valuesPerCondition, perCondition).optional(),
}).refine((h) => (h.values === undefined) !== (h.regexValues === undefined), { message: 'an httpHeader condition has values or regexValues, not both and not neither' });

export const methodValue = z
  .string()
  .min(1)
  .max(LIMITS.methodMaxLength)
  .regex(/^[A-Z_\-*?]+$/, 'a method is upper-case letters, "_" or "-" (matching is case-sensitive), e.g. GET');

export const queryStringPair = z.strictObject({
  key: value.optional(),
  value,
});

export const sourceIpValue = z.string().refine(isCidr, 'must be a CIDR block such as 127.0.0.0/8 or ::1/128');

export const conditionsSchema = z
  .strictObject({
    hostHeader: valueList(hostHeaderValue).max(LIMITS.valuesPerCondition, perCondition).optional(),
    pathPattern: valueList(pathPatternValue).max(LIMITS.valuesPerCondition, perCondition).optional(),
    /** RE2 patterns matched against the host (AWS: host-header `RegexValues`); not with hostHeader. */
    hostHeaderRegex: valueList(regexValue).max(LIMITS.valuesPerCondition, perCondition).optional(),
    /** RE2 patterns matched against the path (AWS: path-pattern `RegexValues`); not with pathPattern. */
    pathPatternRegex: valueList(regexValue).max(LIMITS.valuesPerCondition, perCondition).optional(),
    httpHeader: z.array(httpHeaderCondition).min(1).optional(),
    httpRequestMethod: valueList(methodValue).max(LIMITS.valuesPerCondition, perCondition).optional(),
    queryString: z.array(queryStringPair).min(1).max(LIMITS.valuesPerCondition, perCondition).optional(),
    sourceIp: valueList(sourceIpValue).max(LIMITS.sourceIpValuesPerCondition, `at most ${LIMITS.sourceIpValuesPerCondition} values per source-ip condition`).optional(),
    /** Berth extension: network listeners route TLS pass-through by the ClientHello's server name. */
    sni: valueList(hostHeaderValue).max(LIMITS.valuesPerCondition, perCondition).optional(),
  })
  .superRefine((c, ctx) => {
    const counted = conditionValueCount(c);
    if (counted.conditions === 0) {
      ctx.addIssue({ code: 'custom', message: 'a rule needs at least one condition' });
    }
    if (c.hostHeader && c.hostHeaderRegex) ctx.addIssue({ code: 'custom', path: ['hostHeaderRegex'], message: 'a rule has one host-header condition: hostHeader or hostHeaderRegex, not both' });
    if (c.pathPattern && c.pathPatternRegex) ctx.addIssue({ code: 'custom', path: ['pathPatternRegex'], message: 'a rule has one path-pattern condition: pathPattern or pathPatternRegex, not both' });
    if (counted.matchEvaluations > LIMITS.matchEvaluationsPerRule) {
      ctx.addIssue({ code: 'custom', message: `a rule may hold at most ${LIMITS.matchEvaluationsPerRule} host, path, header and query-string values in all (AWS quota); this one has ${counted.matchEvaluations}` });
    }
    if (counted.wildcards > LIMITS.wildcardsPerRule) {
      ctx.addIssue({ code: 'custom', message: `a rule may use at most ${LIMITS.wildcardsPerRule} wildcard characters (* and ?) in all (AWS quota); this one has ${counted.wildcards}` });
    }
  });

export type Conditions = z.output<typeof conditionsSchema>;

function wildcards(s: string | undefined): number {
  if (!s) return 0;
  let n = 0;
  for (const ch of s) if (ch === '*' || ch === '?') n++;
  return n;
}

/**
 * AWS's per-rule quotas count match evaluations: each host, path, header value and query pair is one.
 * (The exact counting is unverified in AWS's documents; methods and source IPs are bounded per
 * condition instead, which keeps AWS's own example rules valid.)
 */
export function conditionValueCount(c: Partial<Conditions>): { conditions: number; matchEvaluations: number; wildcards: number } {
  let conditions = 0;
  let evaluations = 0;
  let wild = 0;
  for (const list of [c.hostHeaderRegex, c.pathPatternRegex]) {
    if (list) conditions++;
    evaluations += list?.length ?? 0;
  }
  for (const list of [c.hostHeader, c.pathPattern, c.sni]) {
    if (list) conditions++;
    for (const v of list ?? []) {
      evaluations++;
      wild += wildcards(v);
    }
  }
  for (const list of [c.httpRequestMethod, c.sourceIp]) {
    if (list) conditions++;
    for (const v of list ?? []) wild += wildcards(v);
  }
  for (const h of c.httpHeader ?? []) {
    conditions++;
    for (const v of h.values ?? []) {
      evaluations++;
      wild += wildcards(v);
    }
    evaluations += h.regexValues?.length ?? 0;
  }
  if (c.queryString) conditions++;
  for (const q of c.queryString ?? []) {
    evaluations++;
    wild += wildcards(q.key) + wildcards(q.value);
  }
  return { conditions, matchEvaluations: evaluations, wildcards: wild };
}
