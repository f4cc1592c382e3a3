// Checks Terraform text offline the way `terraform validate` would check our resources: parsed by
// HashiCorp's HCL parser (@cdktn/hcl2json), then every resource's arguments and nested blocks are
// compared with the AWS provider's schema extracted into test/fixtures/terraform-provider-aws/.
// hcl2json renders `x { … }` and `x = [{ … }]` alike, so a light line scan of the source tells
// blocks from arguments, which is how block/argument mix-ups are caught.
import { readFileSync } from 'node:fs';
import { parse } from '@cdktn/hcl2json';

interface AttributeSchema { type: string; required?: true }
interface BodySchema { attributes: Record<string, AttributeSchema>; blocks: Record<string, BlockSchema> }
interface BlockSchema extends BodySchema { nesting: 'single' | 'list'; required?: true }

export const providerSchema = JSON.parse(readFileSync(new URL('../../fixtures/terraform-provider-aws/aws-provider-schema.json', import.meta.url), 'utf8')) as {
  provider: string;
  providerVersion: string;
  resources: Record<string, BodySchema>;
};

/** Terraform's own blocks, as far as generated files use them. */
const LANGUAGE: Record<string, BodySchema> = {
  variable: { attributes: { description: { type: 'string' }, type: { type: 'any' }, default: { type: 'any' }, sensitive: { type: 'bool' }, nullable: { type: 'bool' } }, blocks: {} },
  output: { attributes: { description: { type: 'string' }, value: { type: 'any', required: true }, sensitive: { type: 'bool' }, depends_on: { type: 'any' } }, blocks: {} },
};
const META_ARGUMENTS = new Set(['depends_on', 'count', 'for_each', 'provider', 'lifecycle']);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isExpression = (v: unknown) => typeof v === 'string' && /^\$\{[^]*\}$/.test(v);

/** `resource/aws_lb/web/health_check` → how each name inside was written: as a block or as an argument. */
function scanSyntax(text: string): Map<string, Set<'block' | 'argument'>> {
  const seen = new Map<string, Set<'block' | 'argument'>>();
  const stack: string[] = [];
  const note = (name: string, kind: 'block' | 'argument') => {
    const key = [...stack, name].join('/');
    (seen.get(key) ?? seen.set(key, new Set()).get(key)!).add(kind);
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s+|\s+$/g, '');
    if (line === '' || line.startsWith('#')) continue;
    const blockOpen = /^([A-Za-z_][\w-]*)((?:\s+"[^"]*")*)\s*\{$/.exec(line);
    const assign = /^("[^"]*"|[A-Za-z_][\w-]*)\s*=\s*(.*)$/.exec(line);
    if (blockOpen) {
      note(blockOpen[1]!, 'block');
      const labels = [...blockOpen[2]!.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
      stack.push([blockOpen[1]!, ...labels].join('/'));
    } else if (assign) {
      note(assign[1]!, 'argument');
      const opens = (assign[2]!.match(/[[{(]/g) ?? []).length - (assign[2]!.match(/[\]})]/g) ?? []).length;
      for (let i = 0; i < opens; i++) stack.push(`=${assign[1]}`);
    } else {
      const opens = (line.match(/[[{(]/g) ?? []).length - (line.match(/[\]})]/g) ?? []).length;
      if (opens > 0) for (let i = 0; i < opens; i++) stack.push('{');
      else for (let i = 0; i < -opens; i++) stack.pop();
    }
  }
  return seen;
}

function typeOk(value: unknown, type: string): boolean {
  if (isExpression(value) || type === 'any') return true;
  if (type === 'string') return ['string', 'number', 'boolean'].includes(typeof value);
  if (type === 'number') return typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)));
  if (type === 'bool') return typeof value === 'boolean' || value === 'true' || value === 'false';
  const inner = /^(list|map)\((.*)\)$/.exec(type);
  if (inner?.[1] === 'list') return Array.isArray(value) && value.every((v) => typeOk(v, inner[2]!));
  if (inner?.[1] === 'map') return isObject(value) && Object.values(value).every((v) => typeOk(v, inner[2]!));
  return false;
}

function checkBody(body: Json, schema: BodySchema, path: string, syntax: Map<string, Set<'block' | 'argument'>>, out: string[], topLevel: boolean): void {
  for (const [name, value] of Object.entries(body)) {
    const here = `${path}/${name}`;
    const written = syntax.get(here) ?? new Set();
    if (topLevel && META_ARGUMENTS.has(name)) continue;
    const attribute = schema.attributes[name];
    const block = schema.blocks[name];
    if (attribute) {
      if (written.has('block')) out.push(`${here}: "${name}" is an argument, written as a block`);
      else if (!typeOk(value, attribute.type)) out.push(`${here}: ${JSON.stringify(value)} is not a ${attribute.type}`);
    } else if (block) {
      if (written.has('argument') || !Array.isArray(value)) {
        out.push(`${here}: "${name}" is a block, written as an argument`);
        continue;
      }
      if (block.nesting === 'single' && value.length > 1) out.push(`${here}: at most one "${name}" block is allowed`);
      for (const item of value) if (isObject(item)) checkBody(item, block, here, syntax, out, false);
    } else {
      out.push(`${here}: unknown argument or block "${name}"`);
    }
  }
  for (const [name, a] of Object.entries(schema.attributes)) if (a.required && body[name] === undefined) out.push(`${path}: missing required argument "${name}"`);
  for (const [name, b] of Object.entries(schema.blocks)) if (b.required && body[name] === undefined) out.push(`${path}: missing required block "${name}"`);
}

/** Problems as `resource/type/name/…: message`; empty when the file would pass. */
export async function checkTerraform(text: string, fileName = 'main.tf'): Promise<string[]> {
  let doc: Json;
  try {
    doc = (await parse(fileName, text)) as Json;
  } catch (e) {
    return [`syntax: ${String(e)}`];
  }
  const syntax = scanSyntax(text);
  const out: string[] = [];
  for (const [type, byName] of Object.entries(isObject(doc.resource) ? doc.resource : {})) {
    const schema = providerSchema.resources[type];
    for (const [name, bodies] of Object.entries(isObject(byName) ? byName : {})) {
      if (!schema) {
        out.push(`resource/${type}/${name}: resource type not in the extracted provider schema`);
        continue;
      }
      for (const body of bodies as Json[]) checkBody(body, schema, `resource/${type}/${name}`, syntax, out, true);
    }
  }
  for (const [kind, schema] of Object.entries(LANGUAGE)) {
    for (const [name, bodies] of Object.entries(isObject(doc[kind]) ? doc[kind] : {})) {
      for (const body of bodies as Json[]) checkBody(body, schema, `${kind}/${name}`, syntax, out, true);
    }
  }
  checkReferences(doc, out);
  return out;
}

/** Like `terraform validate`: every `type.name` and `var.name` an expression uses must be declared. */
function checkReferences(doc: Json, out: string[]): void {
  const declared = new Set<string>();
  for (const [type, byName] of Object.entries(isObject(doc.resource) ? doc.resource : {})) for (const name of Object.keys(byName as Json)) declared.add(`${type}.${name}`);
  for (const name of Object.keys(isObject(doc.variable) ? doc.variable : {})) declared.add(`var.${name}`);
  const visit = (v: unknown, where: string): void => {
    if (typeof v === 'string' && v.includes('${')) {
      for (const m of v.matchAll(/\b(var|aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/g)) {
        if (!declared.has(`${m[1]}.${m[2]}`)) out.push(`${where}: reference to undeclared ${m[1] === 'var' ? 'variable' : 'resource'} ${m[1]}.${m[2]}`);
      }
    } else if (Array.isArray(v)) v.forEach((x) => visit(x, where));
    else if (isObject(v)) for (const [k, x] of Object.entries(v)) visit(x, `${where}/${k}`);
  };
  for (const kind of ['resource', 'output']) visit(doc[kind], kind);
}
