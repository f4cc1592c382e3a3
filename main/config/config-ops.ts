// Path-addressed edits of berth.yaml's document, JSON Patch-like: `set` (create or replace the value
// at a path), `add` (insert into a list; `-` appends), `remove`. Paths are JSON Pointers
// ("/targetGroups/0/name") or segment lists; they address the file as it is, so keys and items an
// edit does not name (comments, unknown keys, hand-added groups) stay as they are.
import { isMap, isSeq, type Document, type Node } from 'yaml';
import { BerthError } from '../../shared/errors.js';

export type ConfigPath = string | readonly (string | number)[];
export type ConfigOp = { op: 'set' | 'add'; path: ConfigPath; value: unknown } | { op: 'remove'; path: ConfigPath };

/** Replaces `node` (possibly undefined) with `value`, reusing what it can so comments stay. */
export type MergeNode = (doc: Document, node: unknown, value: unknown) => Node;

/** "/a/0/b~1c" → ['a', '0', 'b/c'] (RFC 6901). */
export function parsePointer(path: ConfigPath): (string | number)[] {
  if (typeof path !== 'string') return [...path];
  if (path === '') return [];
  if (!path.startsWith('/')) throw new BerthError('BAD_INPUT', `the path "${path}" is not a JSON Pointer: it starts with "/" (e.g. /targetGroups/0)`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function applyOps(doc: Document, ops: readonly ConfigOp[], merge: MergeNode): void {
  ops.forEach((op, i) => {
    try {
      applyOp(doc, op, merge);
    } catch (err) {
      if (err instanceof BerthError) throw new BerthError(err.code, `ops[${i}] (${op.op} ${showPath(op.path)}): ${err.message}`, err.where);
      throw err;
    }
  });
}

function applyOp(doc: Document, op: ConfigOp, merge: MergeNode): void {
  const path = parsePointer(op.path);
  if (path.length === 0) {
    if (op.op === 'remove') throw new BerthError('BAD_INPUT', 'the whole config cannot be removed');
    doc.contents = merge(doc, doc.contents, op.value) as Document['contents'];
    return;
  }
  const parentPath = path.slice(0, -1);
  const parent = parentPath.length === 0 ? doc.contents : doc.getIn(indexed(doc, parentPath), true);
  const last = path[path.length - 1]!;
  if (op.op === 'remove') {
    if (!isCollection(parent) || !parent.has(key(parent, last))) throw new BerthError('NOT_FOUND', 'nothing at this path to remove');
    const index = key(parent, last);
    // yaml keeps a comment above a block list's first item on the list itself; it goes with that item.
    if (isSeq(parent) && index === 0 && !parent.flow) parent.commentBefore = undefined;
    parent.delete(index);
    return;
  }
  if (parent === undefined || parent === null) {
    // Missing maps on the way are created, as `set` in Caddy's config API does.
    doc.setIn(indexed(doc, path), doc.createNode(op.value));
    return;
  }
  if (!isCollection(parent)) throw new BerthError('BAD_INPUT', `${showPath(parentPath)} holds a single value, not a mapping or list`);
  if (isSeq(parent)) {
    const index = last === '-' ? parent.items.length : key(parent, last);
    if (typeof index !== 'number' || index > parent.items.length) throw new BerthError('BAD_INPUT', `"${last}" is not an index of the list (0–${parent.items.length}, or - to append)`);
    if (op.op === 'add') parent.items.splice(index, 0, doc.createNode(op.value));
    else parent.items[index] = merge(doc, parent.items[index], op.value);
    return;
  }
  parent.set(last, merge(doc, parent.get(last, true), op.value));
}

function isCollection(node: unknown): node is Extract<Node, { items: unknown[] }> {
  return isMap(node) || isSeq(node);
}

/** A list index as a number ("3" in a pointer), any other key as written. */
function key(parent: unknown, segment: string | number): string | number {
  if (isSeq(parent) && typeof segment === 'string' && /^(0|[1-9]\d*)$/.test(segment)) return Number(segment);
  return segment;
}

function indexed(doc: Document, path: (string | number)[]): (string | number)[] {
  const out: (string | number)[] = [];
  for (const segment of path) {
    const parent = out.length === 0 ? doc.contents : doc.getIn(out, true);
    out.push(key(parent, segment));
  }
  return out;
}

function showPath(path: ConfigPath): string {
  return typeof path === 'string' ? path || '/' : `/${path.join('/')}`;
}
