import type { CheckedPatch } from '../shared/documents';
import { InvalidQueryError } from '../shared/errors';

type Node = Record<string, unknown>;

const isObject = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The object holding the last segment of `path`, creating missing parents when `create` is set. */
function parentOf(doc: Node, path: string, create: boolean): [Node, string] | undefined {
  const segments = path.split('.');
  const key = segments.pop()!;
  let node = doc;
  for (const segment of segments) {
    if (node[segment] === undefined && create) node[segment] = {};
    const next = node[segment];
    if (!isObject(next)) {
      if (!create) return undefined;
      throw new InvalidQueryError(`cannot patch ${path}: ${segment} is not an object`);
    }
    node = next;
  }
  return [node, key];
}

/** Applies set, unset and inc in place with MongoDB's meaning for dotted paths. */
export function applyPatch(doc: Node, patch: CheckedPatch): void {
  for (const [path, value] of patch.set) {
    const [parent, key] = parentOf(doc, path, true)!;
    parent[key] = value;
  }
  for (const path of patch.unset) {
    const found = parentOf(doc, path, false);
    if (found) delete found[0][found[1]];
  }
  for (const [path, amount] of patch.inc) {
    const [parent, key] = parentOf(doc, path, true)!;
    const current = Object.hasOwn(parent, key) ? parent[key] : 0;
    if (typeof current !== 'number') throw new InvalidQueryError(`cannot inc ${path}: not a number`);
    parent[key] = current + amount;
  }
}
