import type { SQLInputValue } from 'node:sqlite';
import type { Scalar } from '../port';

/** SQL text with its bound parameters. */
export interface Sql {
  sql: string;
  params: SQLInputValue[];
}

/**
 * Missing and null fields read as -Infinity: that sorts them before every number and string (as
 * MongoDB does), and keeps expressions non-NULL so row-value comparisons and unique indexes behave.
 */
const MISSING = '-9e999';

/** Quotes a collection or index name (validated against a narrow pattern, so no escaping is needed). */
export const ident = (name: string) => `"${name}"`;

/** The indexed form of a field: index definitions, filters and sorts must all spell it exactly so. */
export const fieldExpr = (path: string) => (path === '_id' ? '_id' : `ifnull(json_extract(doc, '$.${path}'), ${MISSING})`);

/** The field's own value (NULL when missing or null). */
export const rawExpr = (path: string) => (path === '_id' ? '_id' : `json_extract(doc, '$.${path}')`);

/** The field's JSON type ('integer', 'real', 'text', 'true', …), NULL when missing. */
export const typeExpr = (path: string) => (path === '_id' ? 'typeof(_id)' : `json_type(doc, '$.${path}')`);

/** A scalar as json_extract reports it: booleans are 1/0; null is the MISSING value. */
export const bindScalar = (v: Scalar): SQLInputValue => (v === null ? -Infinity : typeof v === 'boolean' ? Number(v) : v);

export const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export function joinSql(parts: readonly Sql[], separator: string): Sql {
  return { sql: parts.map((p) => `(${p.sql})`).join(separator), params: parts.flatMap((p) => p.params) };
}
