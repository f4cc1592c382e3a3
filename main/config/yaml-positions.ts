// Where a field of berth.yaml is written: LINE:COL of a value, of a key, or — for a key that is
// missing — of the mapping that should hold it.
import { isMap, isPair, isScalar, type Document, type LineCounter, type Node } from 'yaml';

export interface Position {
  line: number;
  column: number;
}

type Path = readonly (string | number)[];

/** The value at `path`; for a path that does not exist, the nearest enclosing node that does. */
export function valuePosition(doc: Document, lc: LineCounter, path: Path): Position {
  for (let n = path.length; n >= 0; n--) {
    const node = nodeAt(doc, path.slice(0, n));
    if (!node?.range || isEmptyValue(node)) continue;
    // A key written without a value (`port:`) has no value node with a range: point at the key.
    const key = n < path.length ? keyOffset(node, path[n]!) : undefined;
    return at(lc, key ?? node.range[0]);
  }
  return { line: 1, column: 1 };
}

/** The key `key` of the mapping at `parent` (an unknown key is reported where it is written). */
export function keyPosition(doc: Document, lc: LineCounter, parent: Path, key: string | number): Position {
  const offset = keyOffset(nodeAt(doc, parent), key);
  return offset === undefined ? valuePosition(doc, lc, parent) : at(lc, offset);
}

/** `port:` with nothing after it: a null scalar of no width, best shown at its key. */
function isEmptyValue(node: Node): boolean {
  return isScalar(node) && node.value === null && node.range![0] === node.range![1];
}

function nodeAt(doc: Document, path: Path): Node | undefined {
  const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
  return node && typeof node === 'object' && 'range' in node ? (node as Node) : undefined;
}

function keyOffset(map: Node | undefined, key: string | number): number | undefined {
  if (!map || !isMap(map)) return undefined;
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && String(item.key.value) === String(key) && item.key.range) return item.key.range[0];
  }
  return undefined;
}

function at(lc: LineCounter, offset: number): Position {
  const pos = lc.linePos(offset);
  return { line: pos.line, column: pos.col };
}
