// The rule index, shown by counting: a request to the last of 10,000 rules evaluates the conditions
// of a handful of candidate rules, not of every rule before it. Each compiled condition is wrapped
// (at the module seam the matcher compiles conditions through) to count its evaluations.
import { describe, expect, it, vi } from 'vitest';
import { compileRules } from '../../../shared/rules/index.js';
import type * as ConditionMatchers from '../../../shared/rules/condition-matchers.js';
import { DEFAULT, request, rule } from './rule-fixtures.js';

const counter = vi.hoisted(() => ({ evaluations: 0 }));

vi.mock('../../../shared/rules/condition-matchers.js', async (importOriginal) => {
  const original = await importOriginal<typeof ConditionMatchers>();
  return {
    ...original,
    compileConditions: (...args: Parameters<typeof original.compileConditions>) =>
      original.compileConditions(...args).map((c) => {
        const test = c.test.bind(c);
        c.test = (p) => {
          counter.evaluations++;
          return test(p);
        };
        return c;
      }),
  };
});

/** Condition evaluations one match takes, and the rule it found. */
function evaluate(matcher: ReturnType<typeof compileRules>, over: Parameters<typeof request>[0]) {
  counter.evaluations = 0;
  const label = matcher.match(request(over)).label;
  return { label, evaluations: counter.evaluations };
}

describe('rule lookup', () => {
  it('evaluates O(1) conditions for the last of 10,000 host rules', () => {
    const rules = Array.from({ length: 10_000 }, (_, i) => rule(i + 1, { hostHeader: [`h${i}.bench.localhost`], pathPattern: ['/api/*'] }));
    const matcher = compileRules({ rules, defaultAction: DEFAULT });
    // Host and path of the one candidate rule.
    expect(evaluate(matcher, { host: 'h9999.bench.localhost', path: '/api/x' })).toEqual({ label: '10000', evaluations: 2 });
    expect(evaluate(matcher, { host: 'h9999.bench.localhost', path: '/other' })).toEqual({ label: 'default', evaluations: 2 });
    expect(evaluate(matcher, { host: 'nobody.bench.localhost', path: '/api/x' })).toEqual({ label: 'default', evaluations: 0 });
  });

  it('evaluates O(1) conditions for the last of 10,000 path rules behind wildcard-host rules', () => {
    const rules = [
      ...Array.from({ length: 10_000 }, (_, i) => rule(i + 10, { pathPattern: [`/p${i}/*`] })),
      rule(1, { hostHeader: ['*.wild.localhost'] }),
      rule(2, { pathPattern: ['/any*'] }),
    ];
    const matcher = compileRules({ rules, defaultAction: DEFAULT });
    // The wildcard-host rule, the open path rule, then the one rule keyed by segment `p9999`.
    expect(evaluate(matcher, { host: 'app.example.com', path: '/p9999/x' })).toEqual({ label: '10009', evaluations: 3 });
  });

  it('is a linear scan for rules the index cannot key, so the count above means something', () => {
    const rules = Array.from({ length: 1_000 }, (_, i) => rule(i + 1, { httpRequestMethod: [`M${i}`] }));
    const matcher = compileRules({ rules, defaultAction: DEFAULT });
    expect(evaluate(matcher, { method: 'M999' })).toEqual({ label: '1000', evaluations: 1_000 });
  });
});
