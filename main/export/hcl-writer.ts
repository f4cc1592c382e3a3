// A small HCL writer whose output is already in `terraform fmt` form: two-space indents, one
// attribute per line, and the `=` of consecutive single-line attributes aligned the way hclwrite's
// formatter aligns them (a line that opens a bracket, a block, a comment or a blank line ends a run).

/** A raw expression written as is: `var.vpc_id`, `aws_lb.web.arn`, `list(string)`. */
export class HclExpr {
  constructor(readonly text: string) {}
}
/** A function call with one argument, e.g. `jsonencode([...])`. */
export class HclCall {
  constructor(
    readonly fn: string,
    readonly arg: HclValue,
  ) {}
}
export type HclValue = string | number | boolean | null | HclExpr | HclCall | HclValue[] | { [key: string]: HclValue };

export type HclItem =
  | { kind: 'attribute'; name: string; value: HclValue }
  | { kind: 'block'; type: string; labels: string[]; body: HclItem[] }
  | { kind: 'blank' }
  | { kind: 'comment'; text: string };

export const expr = (text: string) => new HclExpr(text);
export const attr = (name: string, value: HclValue): HclItem => ({ kind: 'attribute', name, value });
export const block = (type: string, labels: string[], body: HclItem[]): HclItem => ({ kind: 'block', type, labels, body });
export const blank: HclItem = { kind: 'blank' };
export const comment = (text: string): HclItem => ({ kind: 'comment', text });

interface Line {
  indent: number;
  /** Text before the `=` of an alignable attribute, or the whole line. */
  lead: string;
  /** `= value` when the line is a complete single-line attribute. */
  assign?: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A quoted HCL string: JSON-style escapes, plus `$${` and `%%{` so nothing is read as a template. */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{')}"`;
}

function isSimple(v: HclValue): boolean {
  return v === null || typeof v !== 'object' || v instanceof HclExpr || (v instanceof HclCall && isSimple(v.arg)) || (Array.isArray(v) && v.every(isSimple) && !v.some(Array.isArray));
}

/** The text that follows `name = ` on the first line, and the lines after it (deeper, then closing). */
function renderValue(v: HclValue, indent: number): { first: string; rest: Line[] } {
  if (v === null) return { first: 'null', rest: [] };
  if (typeof v === 'string') return { first: quote(v), rest: [] };
  if (typeof v === 'number' || typeof v === 'boolean') return { first: String(v), rest: [] };
  if (v instanceof HclExpr) return { first: v.text, rest: [] };
  if (v instanceof HclCall) {
    const inner = renderValue(v.arg, indent);
    if (inner.rest.length === 0) return { first: `${v.fn}(${inner.first})`, rest: [] };
    const last = inner.rest[inner.rest.length - 1]!;
    return { first: `${v.fn}(${inner.first}`, rest: [...inner.rest.slice(0, -1), { ...last, lead: `${last.lead})` }] };
  }
  if (Array.isArray(v)) {
    if (isSimple(v)) return { first: `[${v.map((x) => renderValue(x, indent).first).join(', ')}]`, rest: [] };
    const rest: Line[] = [];
    for (const item of v) {
      const r = renderValue(item, indent + 1);
      rest.push({ indent: indent + 1, lead: r.rest.length ? r.first : `${r.first},` }, ...r.rest);
      if (r.rest.length) rest[rest.length - 1]!.lead += ',';
    }
    rest.push({ indent, lead: ']' });
    return { first: '[', rest };
  }
  const entries = Object.entries(v);
  if (entries.length === 0) return { first: '{}', rest: [] };
  const rest: Line[] = [];
  for (const [key, value] of entries) rest.push(...attributeLines(IDENTIFIER.test(key) ? key : quote(key), value, indent + 1));
  rest.push({ indent, lead: '}' });
  return { first: '{', rest };
}

function attributeLines(name: string, value: HclValue, indent: number): Line[] {
  const r = renderValue(value, indent);
  if (r.rest.length === 0) return [{ indent, lead: name, assign: `= ${r.first}` }];
  return [{ indent, lead: `${name} = ${r.first}` }, ...r.rest];
}

function itemLines(items: HclItem[], indent: number): Line[] {
  const lines: Line[] = [];
  for (const item of items) {
    switch (item.kind) {
      case 'attribute':
        lines.push(...attributeLines(item.name, item.value, indent));
        break;
      case 'block':
        lines.push({ indent, lead: [item.type, ...item.labels.map(quote), '{'].join(' ') }, ...itemLines(item.body, indent + 1), { indent, lead: '}' });
        break;
      case 'blank':
        lines.push({ indent: 0, lead: '' });
        break;
      case 'comment':
        for (const text of item.text.split('\n')) lines.push({ indent, lead: `#${text ? ` ${text}` : ''}` });
        break;
    }
  }
  return lines;
}

/** Renders a file: aligns each run of consecutive single-line attributes at one column, as hclwrite does. */
export function writeHcl(items: HclItem[]): string {
  const lines = itemLines(items, 0);
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    if (lines[i]!.assign === undefined) {
      const l = lines[i++]!;
      out.push(l.lead ? `${'  '.repeat(l.indent)}${l.lead}` : '');
      continue;
    }
    let j = i;
    while (j < lines.length && lines[j]!.assign !== undefined) j++;
    const width = Math.max(...lines.slice(i, j).map((l) => l.indent * 2 + l.lead.length));
    for (; i < j; i++) {
      const l = lines[i]!;
      out.push(`${'  '.repeat(l.indent)}${l.lead}${' '.repeat(width - l.indent * 2 - l.lead.length + 1)}${l.assign}`);
    }
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}
