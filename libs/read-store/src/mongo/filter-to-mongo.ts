import type { Document } from 'mongodb';
import type { FieldTest, FilterNode } from '../shared/filter-ast';
import type { KeysetBound } from '../shared/find-plan';

/** Matches nothing (MongoDB refuses an empty `$or`). */
const NOTHING: Document = { _id: { $in: [] } };

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function filterToMongo(node: FilterNode): Document {
  if ('all' in node) return node.all.length ? { $and: node.all.map(filterToMongo) } : {};
  if ('any' in node) return node.any.length ? { $or: node.any.map(filterToMongo) } : NOTHING;
  if (node.op === '$contains') {
    // Strings only, as in MongoDB; mongo-java-server would also match a number's digits, and it
    // ignores a $type written beside the $regex, hence two conditions.
    return { $and: [{ [node.path]: { $type: 'string' } }, { [node.path]: { $regex: escapeRegExp(node.value), $options: 'i' } }] };
  }
  return { [node.path]: fieldTestToMongo(node) };
}

function fieldTestToMongo(test: Exclude<FieldTest, { op: '$contains' }>): Document {
  switch (test.op) {
    case '$has': // equality on an array field matches its elements
      return { $eq: test.value };
    case '$hasAny':
      return { $in: test.values };
    case '$in':
    case '$nin':
      return { [test.op]: test.values };
    default:
      return { [test.op]: test.value };
  }
}

/** The part of a keyset cursor's term that lies beyond it: null/missing sorts first, as in MongoDB. */
function beyond({ path, dir, value }: KeysetBound): Document | undefined {
  if (value === null) return dir === 1 ? { [path]: { $ne: null } } : undefined;
  return dir === 1 ? { [path]: { $gt: value } } : { $or: [{ [path]: { $lt: value } }, { [path]: null }] };
}

/** Documents after the keyset cursor: the lexicographic `$or` over the sort keys. */
export function keysetToMongo(bounds: readonly KeysetBound[]): Document {
  const terms = bounds.flatMap((bound, i) => {
    const next = beyond(bound);
    if (!next) return [];
    const equal = bounds.slice(0, i).map((b) => ({ [b.path]: { $eq: b.value } }));
    return [equal.length ? { $and: [...equal, next] } : next];
  });
  return terms.length ? { $or: terms } : NOTHING;
}
