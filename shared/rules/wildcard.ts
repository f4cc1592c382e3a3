// AWS condition wildcards: `*` = any run of characters (spanning `.` and `/`), `?` = exactly one,
// anchored on the whole value. Compiled once per config; the common shapes (exact, prefix, suffix,
// contains) avoid regular expressions because they sit on every request's path.

export interface Wildcard {
  /** The pattern as written in the config. */
  readonly source: string;
  /** True when the pattern holds no wildcard, i.e. it is an exact comparison. */
  readonly literal: boolean;
  /** Case-insensitive wildcards expect the input already lower-cased (done once per request). */
  test(input: string): boolean;
}

export interface WildcardOptions {
  ignoreCase: boolean;
  /** Query-string patterns: `\*` and `\?` stand for the literal characters. */
  escapes?: boolean;
}

type Token = { kind: 'text'; text: string } | { kind: 'star' } | { kind: 'one' };

export function compileWildcard(source: string, options: WildcardOptions): Wildcard {
  const pattern = options.ignoreCase ? source.toLowerCase() : source;
  const tokens = tokenize(pattern, options.escapes === true);
  const stars = tokens.filter((t) => t.kind === 'star').length;
  const ones = tokens.some((t) => t.kind === 'one');
  const text = (t: Token | undefined): string | undefined => (t?.kind === 'text' ? t.text : undefined);

  if (stars === 0 && !ones) {
    const exact = tokens.map((t) => (t.kind === 'text' ? t.text : '')).join('');
    return { source, literal: true, test: (s) => s === exact };
  }
  if (!ones && tokens.length === 1) return { source, literal: false, test: () => true };
  if (!ones && stars === 1 && tokens.length === 2) {
    const head = text(tokens[0]);
    if (head !== undefined) return { source, literal: false, test: (s) => s.startsWith(head) };
    const tail = text(tokens[1])!;
    return { source, literal: false, test: (s) => s.endsWith(tail) };
  }
  if (!ones && stars === 2 && tokens.length === 3 && tokens[0]!.kind === 'star' && tokens[2]!.kind === 'star') {
    const middle = text(tokens[1])!;
    return { source, literal: false, test: (s) => s.includes(middle) };
  }
  if (!ones && stars === 1 && tokens.length === 3 && tokens[1]!.kind === 'star') {
    const head = text(tokens[0])!;
    const tail = text(tokens[2])!;
    const min = head.length + tail.length;
    return { source, literal: false, test: (s) => s.length >= min && s.startsWith(head) && s.endsWith(tail) };
  }
  const body = tokens.map((t) => (t.kind === 'star' ? '[\\s\\S]*' : t.kind === 'one' ? '[\\s\\S]' : escapeRegExp(t.text))).join('');
  const re = new RegExp(`^${body}$`);
  return { source, literal: false, test: (s) => re.test(s) };
}

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

function tokenize(pattern: string, escapes: boolean): Token[] {
  const tokens: Token[] = [];
  let text = '';
  const flush = () => {
    if (text) tokens.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (escapes && c === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '?')) {
      text += pattern[++i];
    } else if (c === '*') {
      // Consecutive stars mean the same as one; merging them keeps the fast paths reachable.
      if (tokens.at(-1)?.kind !== 'star' || text) {
        flush();
        tokens.push({ kind: 'star' });
      }
    } else if (c === '?') {
      flush();
      tokens.push({ kind: 'one' });
    } else {
      text += c;
    }
  }
  flush();
  return tokens;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
