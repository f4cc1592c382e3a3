// The wildcard compiler's shapes (exact, prefix, suffix, contains, prefix+suffix, general) agree
// with one another and with a plain regular-expression reading of AWS's rules.
import { describe, expect, it } from 'vitest';
import { compileWildcard } from '../../../shared/rules/index.js';

describe('compileWildcard', () => {
  it.each([
    ['abc', 'abc', true], ['abc', 'abcd', false], ['', '', true], ['', 'a', false],
    ['ab*', 'ab', true], ['ab*', 'abzz', true], ['ab*', 'a', false],
    ['*bc', 'bc', true], ['*bc', 'zzbc', true], ['*bc', 'bcz', false],
    ['*b*', 'b', true], ['*b*', 'abc', true], ['*b*', 'ac', false],
    ['a*c', 'ac', true], ['a*c', 'abbc', true], ['a*c', 'a', false], ['a*c', 'c', false],
    ['aa*aa', 'aaa', false], ['aa*aa', 'aaaa', true],
    ['a**c', 'abc', true], ['*', '', true], ['**', 'x', true],
    ['a?c', 'abc', true], ['a?c', 'ac', false], ['?', '', false], ['??', 'ab', true],
    ['a*b?c', 'axxbyc', true], ['a*b?c', 'abc', false],
    ['(a)', '(a)', true], ['a.c', 'abc', false], ['[ab]', 'a', false],
  ])('%j matches %j: %s', (pattern, input, expected) => {
    expect(compileWildcard(pattern, { ignoreCase: false }).test(input)).toBe(expected);
  });

  it('lower-cases the pattern when case does not matter (the input is lower-cased by the caller)', () => {
    expect(compileWildcard('*.Example.COM', { ignoreCase: true }).test('a.example.com')).toBe(true);
    expect(compileWildcard('*.Example.COM', { ignoreCase: false }).test('a.example.com')).toBe(false);
  });

  it('treats \\* and \\? as literal only when escapes are on (query strings)', () => {
    expect(compileWildcard('a\\*', { ignoreCase: false, escapes: true }).test('a*')).toBe(true);
    expect(compileWildcard('a\\*', { ignoreCase: false, escapes: true }).test('ab')).toBe(false);
    expect(compileWildcard('a\\?b', { ignoreCase: false, escapes: true }).test('a?b')).toBe(true);
    expect(compileWildcard('a\\x', { ignoreCase: false, escapes: true }).test('a\\x')).toBe(true);
  });

  it('reports whether a pattern is a plain comparison', () => {
    expect(compileWildcard('a.b', { ignoreCase: true }).literal).toBe(true);
    expect(compileWildcard('a.*', { ignoreCase: true }).literal).toBe(false);
  });
});
