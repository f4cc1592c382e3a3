// Evaluation order (elbv2-model.md 2.1): ascending priority, first match wins, disabled rules
// skipped, the default action last; and the index's merge across exact, wildcard and host-less rules.
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../shared/model/index.js';
import { compileRules } from '../../../shared/rules/index.js';
import { DEFAULT, request, rule } from './rule-fixtures.js';

const labelFor = (rules: ReturnType<typeof rule>[], over: Parameters<typeof request>[0]) =>
  compileRules({ rules, defaultAction: DEFAULT }).match(request(over)).label;

describe('rule evaluation order', () => {
  it.each([
    ['lowest priority wins whatever the config order', [rule(20, { pathPattern: ['/*'] }), rule(10, { pathPattern: ['/a*'] })], { path: '/a' }, '10'],
    ['first match wins, later matches ignored', [rule(1, { pathPattern: ['/a'] }), rule(2, { pathPattern: ['/a'] })], { path: '/a' }, '1'],
    ['falls through failing rules', [rule(1, { pathPattern: ['/b'] }), rule(2, { pathPattern: ['/a'] })], { path: '/a' }, '2'],
    ['default when nothing matches', [rule(1, { pathPattern: ['/b'] })], { path: '/a' }, 'default'],
    ['default with no rules', [], { path: '/a' }, 'default'],
    ['disabled rules are skipped', [rule(1, { pathPattern: ['/a'] }, { enabled: false }), rule(2, { pathPattern: ['/a'] })], { path: '/a' }, '2'],
    ['a disabled only rule leaves the default', [rule(1, { pathPattern: ['/a'] }, { enabled: false })], { path: '/a' }, 'default'],
    ['a host-less rule before an exact-host rule', [rule(5, { pathPattern: ['/a'] }), rule(1, { hostHeader: ['x.example.com'], pathPattern: ['/b'] })], { host: 'x.example.com', path: '/a' }, '5'],
    ['an exact-host rule before a host-less rule', [rule(5, { pathPattern: ['/a'] }), rule(1, { hostHeader: ['x.example.com'] })], { host: 'x.example.com', path: '/a' }, '1'],
    ['a wildcard host before an exact host', [rule(10, { hostHeader: ['api.example.com'] }), rule(5, { hostHeader: ['*.example.com'] })], { host: 'api.example.com' }, '5'],
    ['an exact host before a wildcard host', [rule(4, { hostHeader: ['api.example.com'] }), rule(5, { hostHeader: ['*.example.com'] })], { host: 'api.example.com' }, '4'],
    ['a failing exact host falls through to a wildcard', [rule(4, { hostHeader: ['api.example.com'], pathPattern: ['/x'] }), rule(5, { hostHeader: ['*.example.com'] })], { host: 'api.example.com' }, '5'],
    ['exact hosts are indexed case-insensitively', [rule(3, { hostHeader: ['API.Example.com'] })], { host: 'api.EXAMPLE.com:8080' }, '3'],
    ['a rule with exact and wildcard hosts, by exact', [rule(3, { hostHeader: ['a.example.com', '*.b.com'] })], { host: 'a.example.com' }, '3'],
    ['a rule with exact and wildcard hosts, by wildcard', [rule(3, { hostHeader: ['a.example.com', '*.b.com'] })], { host: 'x.b.com' }, '3'],
    ['other exact hosts are not candidates', [rule(1, { hostHeader: ['a.example.com'] })], { host: 'b.example.com' }, 'default'],
    ['a path rule keyed by segment before an open path rule', [rule(2, { pathPattern: ['/a*'] }), rule(1, { pathPattern: ['/api/*'] })], { path: '/api/x' }, '1'],
    ['an open path rule before a path rule keyed by segment', [rule(1, { pathPattern: ['/a*'] }), rule(2, { pathPattern: ['/api/*'] })], { path: '/api/x' }, '1'],
    ['a keyed path rule for the bare segment', [rule(1, { pathPattern: ['/api'] })], { path: '/api' }, '1'],
    ['the root path rule', [rule(1, { pathPattern: ['/'] })], { path: '/' }, '1'],
    ['other segments are not candidates', [rule(1, { pathPattern: ['/api/*'] })], { path: '/apix/1' }, 'default'],
  ] as const)('%s', (_name, rules, over, expected) => {
    expect(labelFor([...rules], over)).toBe(expected);
  });

  it('returns the rule, its action, name and the payload compiled for it', () => {
    const action: Action = { redirect: { protocol: 'HTTPS', port: '443', host: '#{host}', path: '/#{path}', query: '#{query}', statusCode: 'HTTP_301' } };
    const matcher = compileRules(
      { rules: [rule(7, { pathPattern: ['/old*'] }, { name: 'legacy', action })], defaultAction: DEFAULT },
      (a, r) => ({ kind: a.redirect ? 'redirect' : 'fixed', priority: r?.priority }),
    );
    const hit = matcher.match(request({ path: '/old/page' }));
    expect(hit).toMatchObject({ priority: 7, label: '7', name: 'legacy', action, payload: { kind: 'redirect', priority: 7 } });
    const miss = matcher.match(request({ path: '/new' }));
    expect(miss).toMatchObject({ priority: undefined, label: 'default', action: DEFAULT, payload: { kind: 'fixed', priority: undefined } });
  });

  it('returns the same object for the same rule, so the hot path allocates no result', () => {
    const matcher = compileRules({ rules: [rule(1, { pathPattern: ['/a'] })], defaultAction: DEFAULT });
    expect(matcher.match(request({ path: '/a' }))).toBe(matcher.match(request({ path: '/a' })));
  });

  it('finds the last of 10,000 host-less path rules', () => {
    const rules = Array.from({ length: 10_000 }, (_, i) => rule(i + 1, { pathPattern: [`/p${i}/*`, `/p${i}`] }));
    const matcher = compileRules({ rules, defaultAction: DEFAULT });
    expect(matcher.match(request({ path: '/p9999/x' })).label).toBe('10000');
    expect(matcher.match(request({ path: '/p9999' })).label).toBe('10000');
    expect(matcher.match(request({ path: '/p99999' })).label).toBe('default');
  });

  it('finds the last of 10,000 host rules', () => {
    const rules = Array.from({ length: 10_000 }, (_, i) => rule(i + 1, { hostHeader: [`h${i}.bench.localhost`], pathPattern: ['/api/*'] }));
    const matcher = compileRules({ rules, defaultAction: DEFAULT });
    expect(matcher.match(request({ host: 'h9999.bench.localhost', path: '/api/x' })).label).toBe('10000');
    expect(matcher.match(request({ host: 'h9999.bench.localhost', path: '/other' })).label).toBe('default');
  });
});
