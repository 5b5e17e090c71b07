import type { FilterNode } from '../shared/filter-ast';
import type { FindPlan, KeysetBound, SortTerm } from '../shared/find-plan';
import { filterToSql } from './filter-to-sql';
import { bindScalar, fieldExpr, ident, placeholders, type Sql } from './sql-expressions';

export const orderBySql = (order: readonly SortTerm[]) => order.map((t) => `${fieldExpr(t.path)} ${t.dir === 1 ? 'ASC' : 'DESC'}`).join(', ');

function rowCompare(bounds: readonly KeysetBound[], op: string): Sql {
  return {
    sql: `(${bounds.map((b) => fieldExpr(b.path)).join(', ')}) ${op} (${placeholders(bounds.length)})`,
    params: bounds.map((b) => bindScalar(b.value)),
  };
}

const beyond = (b: SortTerm) => (b.dir === 1 ? '>' : '<');

/**
 * Rows after the keyset cursor. SQLite turns a row-value comparison into an index range only over
 * plain columns, not over the indexed expressions we sort on; so the first sort key bounds the range
 * (inclusively: only its ties with the cursor are scanned and dropped) and an exact condition
 * decides: one row-value comparison when all keys go one way, the lexicographic expansion when
 * directions are mixed.
 */
export function keysetSql(bounds: readonly KeysetBound[]): Sql {
  const [first] = bounds;
  const range: Sql = { sql: `${fieldExpr(first.path)} ${beyond(first)}= ?`, params: [bindScalar(first.value)] };
  const exact = bounds.every((b) => b.dir === first.dir)
    ? rowCompare(bounds, beyond(first))
    : {
        sql: bounds
          .map((b, i) => [...bounds.slice(0, i).map((p) => `${fieldExpr(p.path)} = ?`), `${fieldExpr(b.path)} ${beyond(b)} ?`].join(' AND '))
          .map((term) => `(${term})`)
          .join(' OR '),
        params: bounds.flatMap((_, i) => bounds.slice(0, i + 1).map((p) => bindScalar(p.value))),
      };
  return { sql: `${range.sql} AND (${exact.sql})`, params: [...range.params, ...exact.params] };
}

export function findSql(table: string, filter: FilterNode, plan: FindPlan): Sql {
  const where = filterToSql(filter);
  const after = plan.after ? keysetSql(plan.after) : undefined;
  const page = plan.limit !== undefined || plan.skip ? ' LIMIT ? OFFSET ?' : '';
  return {
    sql: `SELECT doc FROM ${ident(table)} WHERE (${where.sql})${after ? ` AND ${after.sql}` : ''} ORDER BY ${orderBySql(plan.order)}${page}`,
    params: [...where.params, ...(after?.params ?? []), ...(page ? [plan.limit ?? -1, plan.skip ?? 0] : [])],
  };
}
