// AWS's regex conditions and rewrites use RE2 (linear time, no look-arounds or back-references):
// patterns are compiled with an RE2 implementation here, so a pattern refused on AWS is refused with
// its location in berth.yaml, and one accepted matches as it would on AWS.
import { RE2JS } from 're2js';

export const REGEX_MAX_LENGTH = 128;

/** Why AWS would refuse `pattern`, or undefined when it compiles as RE2. */
export function re2Problem(pattern: string): string | undefined {
  if (/\(\?<?[=!]/.test(pattern)) return 'look-arounds ((?=…), (?!…), (?<=…), (?<!…)) are not supported: AWS matches with RE2';
  if (/\\[1-9]|\\k</.test(pattern)) return 'back-references (\\1, \\k<name>) are not supported: AWS matches with RE2';
  if (/\\[pP]\{/.test(pattern)) return 'Unicode classes such as \\p{L} are not supported by AWS';
  if (/\(\?>|(?<!\\)(?:[*+?]|\{\d+(?:,\d*)?\})\+/.test(pattern)) return 'atomic groups and possessive quantifiers are not supported: AWS matches with RE2';
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (err) {
    return `not a valid RE2 regex: ${(err as Error).message}`;
  }
}

/** A compiled RE2 pattern: `test` finds a match anywhere (write ^…$ to anchor, as on AWS). */
export function compileRe2(pattern: string): { source: string; test(s: string): boolean } {
  const re = RE2JS.compile(pattern);
  return { source: pattern, test: (s) => re.matcher(s).find() };
}
