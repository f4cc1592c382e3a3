// explain(): which rule matched and, for every rule before it, which conditions failed and why —
// what the control API and the route tester show.
import { describe, expect, it } from 'vitest';
import { compileRules } from '../../../shared/rules/index.js';
import { DEFAULT, request, rule } from './rule-fixtures.js';

describe('explain', () => {
  it('names the failing condition of each rule before the match', () => {
    const matcher = compileRules({
      rules: [rule(1, { pathPattern: ['/api/auth*'] }), rule(2, { hostHeader: ['*.example.com'], pathPattern: ['/api/*'] })],
      defaultAction: DEFAULT,
    });
    const result = matcher.explain(request({ path: '/api/users' }));
    expect(result.matched).toMatchObject({ label: '2', priority: 2 });
    expect(result.rules).toEqual([
      { priority: 1, outcome: 'failed', failures: [{ condition: 'pathPattern', reason: '"/api/users" does not match "/api/auth*"', message: 'pathPattern: "/api/users" does not match "/api/auth*"' }] },
      { priority: 2, outcome: 'matched', failures: [] },
    ]);
  });

  it('lists every failing condition of a rule, and disabled rules as such', () => {
    const matcher = compileRules({
      rules: [
        rule(1, { hostHeader: ['a.example.com', 'b.example.com'], httpRequestMethod: ['POST'], httpHeader: [{ name: 'X-Env', values: ['beta'] }] }, { name: 'beta-writes' }),
        rule(2, { pathPattern: ['/*'] }, { enabled: false }),
        rule(3, { queryString: [{ key: 'v', value: '2' }], sourceIp: ['10.0.0.0/8'] }),
      ],
      defaultAction: DEFAULT,
    });
    const result = matcher.explain(request({ host: 'c.example.com:8080', query: 'v=1' }));
    expect(result.matched).toEqual({ label: 'default', action: DEFAULT });
    expect(result.rules.map((r) => [r.priority, r.outcome, r.failures.map((f) => f.message)])).toEqual([
      [1, 'failed', ['httpRequestMethod: "GET" is not "POST"', 'hostHeader: "c.example.com" does not match any of "a.example.com", "b.example.com"', 'httpHeader: header x-env is absent']],
      [2, 'disabled', []],
      [3, 'failed', ['sourceIp: 127.0.0.1 is not in 10.0.0.0/8', 'queryString: no query pair of "v=1" matches v=2']],
    ]);
    expect(result.rules[0]!.name).toBe('beta-writes');
  });

  it('accepts header names in any case, as a person types them', () => {
    const matcher = compileRules({ rules: [rule(1, { httpHeader: [{ name: 'x-env', values: ['beta'] }] })], defaultAction: DEFAULT });
    expect(matcher.explain(request({ headers: { 'X-Env': 'Beta' } })).matched.label).toBe('1');
    expect(matcher.explain(request({ headers: { 'X-Env': 'prod' } })).rules[0]!.failures[0]!.reason).toBe('x-env: "prod" does not match "beta"');
  });

  it('says when there is no query string or no Host', () => {
    const matcher = compileRules({ rules: [rule(1, { hostHeader: ['a.example.com'], queryString: [{ value: 'x' }] })], defaultAction: DEFAULT });
    expect(matcher.explain(request({ host: '' })).rules[0]!.failures.map((f) => f.reason)).toEqual([
      'the request has no Host, so it does not match "a.example.com"',
      'the request has no query string, so nothing matches a value "x"',
    ]);
  });

  it('stops at the matched rule', () => {
    const matcher = compileRules({ rules: [rule(1, { pathPattern: ['/a'] }), rule(2, { pathPattern: ['/b'] })], defaultAction: DEFAULT });
    expect(matcher.explain(request({ path: '/a' })).rules).toHaveLength(1);
  });
});
