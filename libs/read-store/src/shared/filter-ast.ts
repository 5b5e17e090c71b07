import type { Condition, Filter, Scalar } from '../port';
import { InvalidQueryError } from './errors';
import { fieldPath } from './names';

/** One test on one field, checked and typed; both adapters compile filters from this form. */
export type FieldTest =
  | { op: '$eq' | '$ne'; value: Scalar }
  | { op: '$has'; value: Exclude<Scalar, null> }
  | { op: '$in' | '$nin'; values: readonly Scalar[] }
  | { op: '$hasAny'; values: readonly Exclude<Scalar, null>[] }
  | { op: '$gt' | '$gte' | '$lt' | '$lte'; value: string | number }
  | { op: '$exists'; value: boolean }
  | { op: '$contains'; value: string };

export type RangeOp = '$gt' | '$gte' | '$lt' | '$lte';

export type FilterNode = { all: FilterNode[] } | { any: FilterNode[] } | ({ path: string } & FieldTest);

const isScalar = (v: unknown): v is Scalar => v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

function scalar(path: string, op: string, v: unknown): Scalar {
  if (!isScalar(v)) throw new InvalidQueryError(`${path}.${op} takes a string, finite number, boolean or null`);
  return v;
}

function nonNull(path: string, op: string, v: unknown): Exclude<Scalar, null> {
  const s = scalar(path, op, v);
  if (s === null) throw new InvalidQueryError(`${path}.${op} takes a non-null value`);
  return s;
}

function list<T>(path: string, op: string, v: unknown, item: (path: string, op: string, v: unknown) => T): T[] {
  if (!Array.isArray(v)) throw new InvalidQueryError(`${path}.${op} takes an array`);
  return v.map((x) => item(path, op, x));
}

function fieldTests(path: string, condition: Condition): FieldTest[] {
  if (condition === null || typeof condition !== 'object') return [{ op: '$eq', value: scalar(path, '$eq', condition) }];
  const tests: FieldTest[] = [];
  for (const [op, v] of Object.entries(condition)) {
    if (v === undefined) continue;
    switch (op) {
      case '$eq':
      case '$ne':
        tests.push({ op, value: scalar(path, op, v) });
        break;
      case '$has':
        tests.push({ op, value: nonNull(path, op, v) });
        break;
      case '$in':
      case '$nin':
        tests.push({ op, values: list(path, op, v, scalar) });
        break;
      case '$hasAny':
        tests.push({ op, values: list(path, op, v, nonNull) });
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        // Ranges are type-bracketed (as in MongoDB): a number bound matches numbers, a string bound strings.
        if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) {
          throw new InvalidQueryError(`${path}.${op} takes a string or a finite number`);
        }
        tests.push({ op, value: v });
        break;
      case '$exists':
        if (typeof v !== 'boolean') throw new InvalidQueryError(`${path}.$exists takes a boolean`);
        tests.push({ op, value: v });
        break;
      case '$contains':
        if (typeof v !== 'string') throw new InvalidQueryError(`${path}.$contains takes a string`);
        tests.push({ op, value: v });
        break;
      default:
        throw new InvalidQueryError(`unknown operator ${op} on ${path}`);
    }
  }
  return tests;
}

/** Checks a port filter and turns it into a tree of AND/OR over field tests. */
export function normalizeFilter(filter: Filter): FilterNode {
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) throw new InvalidQueryError('not an object');
  const nodes: FilterNode[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    if (key === '$or' || key === '$and') {
      if (!Array.isArray(value)) throw new InvalidQueryError(`${key} takes an array of filters`);
      const subs = (value as Filter[]).map(normalizeFilter);
      nodes.push(key === '$or' ? { any: subs } : { all: subs });
    } else if (key.startsWith('$')) {
      throw new InvalidQueryError(`unknown operator ${key}`);
    } else {
      const path = fieldPath(key);
      for (const test of fieldTests(path, value as Condition)) nodes.push({ path, ...test });
    }
  }
  return nodes.length === 1 ? nodes[0] : { all: nodes };
}
