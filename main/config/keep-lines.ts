// yaml prints a whole document in one style (flow padding, quotes), so a file written back after an
// edit would have lines restyled that the edit never touched. This keeps every line the edit did not
// change byte for byte as the user wrote it.
/** The largest middle section compared line by line (lines before × lines after); beyond it, `next` as printed. */
const MAX_CELLS = 4_000_000;

/**
 * `original` is the file, `baseline` the same document printed unchanged, `next` the edited document
 * printed. Lines of `next` that are unchanged lines of `baseline` are taken from `original`, provided
 * printing kept the file's lines one for one (else `next` is returned as it is).
 */
export function keepUntouchedLines(original: string, baseline: string, next: string): string {
  const o = original.split('\n');
  const b = baseline.split('\n');
  const n = next.split('\n');
  if (o.length !== b.length) return next;
  let start = 0;
  while (start < b.length && start < n.length && b[start] === n[start]) start++;
  let end = 0;
  while (end < b.length - start && end < n.length - start && b[b.length - 1 - end] === n[n.length - 1 - end]) end++;
  const bm = b.slice(start, b.length - end);
  const nm = n.slice(start, n.length - end);
  if (bm.length * nm.length > MAX_CELLS) return next;
  const matched = lcsMatches(bm, nm);
  const out = [...o.slice(0, start)];
  nm.forEach((line, j) => {
    const i = matched[j];
    out.push(i === undefined ? line : o[start + i]!);
  });
  out.push(...o.slice(o.length - end));
  return out.join('\n');
}

/** For each line of `n`, the index of the line of `b` it is matched to by a longest common subsequence. */
function lcsMatches(b: string[], n: string[]): (number | undefined)[] {
  const rows = b.length + 1;
  const cols = n.length + 1;
  const table = new Uint32Array(rows * cols);
  for (let i = b.length - 1; i >= 0; i--) {
    for (let j = n.length - 1; j >= 0; j--) {
      table[i * cols + j] = b[i] === n[j] ? table[(i + 1) * cols + j + 1]! + 1 : Math.max(table[(i + 1) * cols + j]!, table[i * cols + j + 1]!);
    }
  }
  const matched: (number | undefined)[] = new Array<number | undefined>(n.length).fill(undefined);
  let i = 0;
  let j = 0;
  while (i < b.length && j < n.length) {
    if (b[i] === n[j]) {
      matched[j] = i;
      i++;
      j++;
    } else if (table[(i + 1) * cols + j]! >= table[i * cols + j + 1]!) i++;
    else j++;
  }
  return matched;
}
