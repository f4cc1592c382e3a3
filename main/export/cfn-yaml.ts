// CloudFormation templates as text: YAML with the short intrinsic forms (!Ref, !GetAtt, …) or JSON,
// and parsing either back with source positions so import problems can say file:line:column.
import { Document, isMap, isScalar, LineCounter, parseDocument, Scalar, visit, type Node, type Tags, type YAMLMap, type YAMLSeq } from 'yaml';

const FUNCTIONS = ['Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'If', 'Equals', 'Not', 'And', 'Or', 'Condition', 'Length', 'ToJsonString'];

/** `!Ref x` → `{ Ref: x }`, `!GetAtt a.b` → `{ 'Fn::GetAtt': [a, b] }`, and so on, in scalar, list and map form. */
function intrinsicTags(): Tags {
  const tags: Tags = [];
  for (const name of ['Ref', ...FUNCTIONS]) {
    const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
    const scalar = (s: string) => (name === 'GetAtt' && s.includes('.') ? [s.slice(0, s.indexOf('.')), s.slice(s.indexOf('.') + 1)] : s);
    tags.push({ tag: `!${name}`, resolve: (s: string) => ({ [key]: scalar(s) }) } as unknown as Tags[number]);
    tags.push({ tag: `!${name}`, collection: 'seq', resolve: (seq: YAMLSeq) => ({ [key]: seq.toJSON() }) } as unknown as Tags[number]);
    tags.push({ tag: `!${name}`, collection: 'map', resolve: (map: YAMLMap) => ({ [key]: map.toJSON() }) } as unknown as Tags[number]);
  }
  return tags;
}

/** YAML text with a comment block on top; `{Ref}` and `{Fn::GetAtt}` are written in short form. */
export function templateToYaml(template: unknown, header: string): string {
  // YAML 1.1 rules for quoting, so `on`, `yes` and `1:20` stay strings for every reader.
  const doc = new Document(template, { version: '1.1' });
  visit(doc, {
    Map(_, node) {
      if (node.items.length !== 1) return undefined;
      const pair = node.items[0]!;
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      const value = pair.value as Node | null;
      if (key === 'Ref' && isScalar(value)) return tagged('!Ref', String(value.value));
      if (key === 'Fn::GetAtt' && value && 'items' in value) {
        const parts = (value as YAMLSeq).items.map((i) => String((i as Scalar).value));
        return tagged('!GetAtt', parts.join('.'));
      }
      return undefined;
    },
  });
  // A bare 2010-09-09 reads as a date to YAML 1.1 parsers; CloudFormation's own examples quote it.
  const version = doc.get('AWSTemplateFormatVersion', true);
  if (isScalar(version)) version.type = 'QUOTE_DOUBLE';
  doc.commentBefore = header;
  return doc.toString({ lineWidth: 0, minContentWidth: 0 });
}

function tagged(tag: string, value: string): Scalar {
  const s = new Scalar(value);
  s.tag = tag;
  return s;
}

export function templateToJson(template: unknown): string {
  return `${JSON.stringify(template, null, 2)}\n`;
}

export interface ParsedTemplate {
  template: unknown;
  errors: { message: string; line?: number; column?: number }[];
  /** Source position of the node at a path such as ['Resources', 'Web', 'Properties', 'Port']. */
  position(path: (string | number)[]): { line: number; column: number } | undefined;
}

/** Parses YAML or JSON (JSON is read as YAML, which keeps positions for both). */
export function parseTemplate(text: string): ParsedTemplate {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { customTags: intrinsicTags(), lineCounter, uniqueKeys: true });
  const errors = doc.errors.map((e) => {
    const pos = e.linePos?.[0];
    return { message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''), ...(pos ? { line: pos.line, column: pos.col } : {}) };
  });
  return {
    template: errors.length ? undefined : doc.toJS({ maxAliasCount: 100 }),
    errors,
    position(path) {
      // The key's position when the path ends in a map key (where a person looks for it), else the
      // node's; walk up as far as the path exists, so a missing property points at its parent.
      for (let n = path.length; n > 0; n--) {
        const parent = doc.getIn(path.slice(0, n - 1), true) as Node | undefined;
        const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === path[n - 1]) : undefined;
        const node = (pair?.key ?? doc.getIn(path.slice(0, n), true)) as Node | undefined;
        const start = node && 'range' in node ? node.range?.[0] : undefined;
        if (start !== undefined) {
          const p = lineCounter.linePos(start);
          return { line: p.line, column: p.col };
        }
      }
      return undefined;
    },
  };
}
