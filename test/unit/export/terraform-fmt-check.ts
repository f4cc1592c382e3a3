// The layout rules of `terraform fmt` (hclwrite's formatter), checked independently of the writer:
// two spaces per nesting level, and in each run of consecutive single-line attributes the `=` one
// column after the longest name. A line that opens a bracket, a block line, a comment or a blank
// line ends a run, as in hclwrite.
const net = (s: string) => (s.replace(/"(?:[^"\\]|\\.)*"/g, '""').match(/[[{(]/g) ?? []).length - (s.replace(/"(?:[^"\\]|\\.)*"/g, '""').match(/[\]})]/g) ?? []).length;

/** What `terraform fmt` would change, as messages; empty when the text is already formatted. */
export function fmtProblems(text: string): string[] {
  const problems: string[] = [];
  if (!text.endsWith('\n') || text.endsWith('\n\n')) problems.push('the file must end with exactly one newline');
  const lines = text.slice(0, -1).split('\n');
  // hclwrite's indent stack: a line with a net surplus of openers indents what follows by one level
  // (however many it opened); closers pop levels until their count is used up.
  const indents: number[] = [];
  let run: { line: number; name: string; column: number }[] = [];
  const closeRun = () => {
    if (run.length) {
      const want = Math.max(...run.map((r) => r.name.length)) + 1;
      for (const r of run) if (r.column !== want) problems.push(`line ${r.line}: "=" at column ${r.column}, fmt aligns it at ${want}`);
    }
    run = [];
  };
  lines.forEach((line, i) => {
    const n = i + 1;
    if (/\s$/.test(line)) problems.push(`line ${n}: trailing whitespace`);
    if (line.includes('\t')) problems.push(`line ${n}: tab`);
    const body = line.trim();
    if (body === '') return closeRun();
    const change = body.startsWith('#') ? 0 : net(body);
    const level = indents.length;
    if (change < 0) {
      let closed = -change;
      while (closed > 0 && indents.length) {
        const top = indents[indents.length - 1]!;
        if (closed >= top) {
          closed -= top;
          indents.pop();
        } else {
          indents[indents.length - 1] = top - closed;
          closed = 0;
        }
      }
    }
    const want = 2 * (change < 0 ? indents.length : level);
    if (change > 0) indents.push(change);
    const indent = line.length - line.trimStart().length;
    if (!body.startsWith('#') && indent !== want) problems.push(`line ${n}: indented ${indent}, fmt indents ${want}`);
    const m = /^(\s*("(?:[^"\\]|\\.)*"|[A-Za-z_][\w-]*)\s*)=(.*)$/.exec(line);
    if (m && net(m[3]!) === 0 && !body.startsWith('#')) {
      if (!/^ \S/.test(m[3]!)) problems.push(`line ${n}: one space after "="`);
      run.push({ line: n, name: m[1]!.trimEnd(), column: m[1]!.length });
    } else {
      closeRun();
    }
  });
  closeRun();
  if (indents.length) problems.push(`unbalanced brackets (${indents.length} levels open)`);
  return problems;
}

