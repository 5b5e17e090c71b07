import type { FieldTest, FilterNode } from '../shared/filter-ast';
import { bindScalar, fieldExpr, joinSql, placeholders, rawExpr, typeExpr, type Sql } from './sql-expressions';

const COMPARE = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' } as const;

const constant = (truth: boolean): Sql => ({ sql: truth ? '1' : '0', params: [] });

/** Compiles a filter to a WHERE clause over `doc`; values are always bound, paths are validated. */
export function filterToSql(node: FilterNode): Sql {
  if ('all' in node) return node.all.length ? joinSql(node.all.map(filterToSql), ' AND ') : constant(true);
  if ('any' in node) return node.any.length ? joinSql(node.any.map(filterToSql), ' OR ') : constant(false);
  return fieldTestToSql(node.path, node);
}

function fieldTestToSql(path: string, test: FieldTest): Sql {
  const field = fieldExpr(path);
  switch (test.op) {
    case '$eq':
      return { sql: `${field} = ?`, params: [bindScalar(test.value)] };
    case '$ne':
      return { sql: `${field} <> ?`, params: [bindScalar(test.value)] };
    case '$in':
    case '$nin':
      if (test.values.length === 0) return constant(test.op === '$nin');
      return {
        sql: `${field} ${test.op === '$in' ? 'IN' : 'NOT IN'} (${placeholders(test.values.length)})`,
        params: test.values.map(bindScalar),
      };
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte': {
      // SQLite orders numbers below text; the type check keeps a number bound to numbers and a
      // string bound to strings, as MongoDB does. It is not index-matchable, so the range still drives the index.
      const types = typeof test.value === 'number' ? `IN ('integer', 'real')` : `= 'text'`;
      return { sql: `${field} ${COMPARE[test.op]} ? AND ${typeExpr(path)} ${types}`, params: [test.value] };
    }
    case '$exists':
      return { sql: `${typeExpr(path)} IS ${test.value ? 'NOT ' : ''}NULL`, params: [] };
    case '$has':
    case '$hasAny': {
      // json_each over a scalar yields the scalar itself, so a plain value matches as a one-element array.
      const values = test.op === '$has' ? [test.value] : test.values;
      if (values.length === 0) return constant(false);
      return {
        sql: `EXISTS (SELECT 1 FROM json_each(doc, '$.${path}') WHERE value IN (${placeholders(values.length)}))`,
        params: values.map(bindScalar),
      };
    }
    case '$contains':
      return { sql: `rs_contains(${rawExpr(path)}, ?)`, params: [test.value.toLowerCase()] };
  }
}

/** `rs_contains(haystack, needle)`: case-insensitive substring test in JS, since SQLite's lower() folds ASCII only. */
export function containsIgnoringCase(haystack: unknown, lowerNeedle: unknown): number {
  return typeof haystack === 'string' && typeof lowerNeedle === 'string' && haystack.toLowerCase().includes(lowerNeedle) ? 1 : 0;
}
