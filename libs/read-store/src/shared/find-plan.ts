import type { FindOptions, IndexSpec, Scalar, SortKey } from '../port';
import { InvalidQueryError } from './errors';
import { fieldPath, indexName } from './names';

export interface SortTerm {
  path: string;
  dir: 1 | -1;
}

/** A sort term with the previous page's last value for it: the keyset cursor. */
export interface KeysetBound extends SortTerm {
  value: Scalar;
}

export interface FindPlan {
  /** The caller's sort with the `_id` tie-breaker, so every order is total. */
  order: SortTerm[];
  after?: KeysetBound[];
  limit?: number;
  skip?: number;
}

function sortTerms(keys: readonly SortKey[]): SortTerm[] {
  return keys.map(([path, dir]) => {
    if (dir !== 1 && dir !== -1) throw new InvalidQueryError(`sort direction of ${path} must be 1 or -1`);
    return { path: fieldPath(path), dir };
  });
}

const tieBreaker = (terms: readonly SortTerm[]): SortTerm => ({ path: '_id', dir: terms.at(-1)?.dir ?? 1 });

/** Appends `_id` in the direction of the last key, unless `_id` is already a key (nothing after it matters). */
function withTieBreaker(terms: SortTerm[]): SortTerm[] {
  const id = terms.findIndex((t) => t.path === '_id');
  return id >= 0 ? terms.slice(0, id + 1) : [...terms, tieBreaker(terms)];
}

function count(name: string, v: number | undefined): number | undefined {
  if (v !== undefined && !(Number.isSafeInteger(v) && v >= 0)) throw new InvalidQueryError(`${name} must be a non-negative integer`);
  return v;
}

export function planFind(options: FindOptions = {}): FindPlan {
  const keys = sortTerms(options.sort ?? []);
  const order = withTieBreaker(keys);
  const plan: FindPlan = { order, limit: count('limit', options.limit), skip: count('skip', options.skip) };
  if (options.after) {
    const { values, id } = options.after;
    if (values.length !== keys.length || typeof id !== 'string') {
      throw new InvalidQueryError(`after needs ${keys.length} sort value(s) and the last _id`);
    }
    const given = keys.some((k) => k.path === '_id') ? values : [...values, id];
    plan.after = order.map((term, i) => {
      const value = given[i] === undefined ? null : given[i];
      if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new InvalidQueryError(`after value for ${term.path} must be a scalar`);
      }
      return { ...term, value };
    });
  }
  return plan;
}

/**
 * The keys an index is built on. Non-unique indexes end with `_id` (in the last key's direction) so
 * that a sort on their fields plus the `_id` tie-breaker, and keyset paging, run from the index alone.
 */
export function indexTerms(spec: IndexSpec): SortTerm[] {
  indexName(spec.name);
  const terms = sortTerms(spec.fields);
  if (terms.length === 0) throw new InvalidQueryError(`index ${spec.name} has no fields`);
  return spec.unique || terms.some((t) => t.path === '_id') ? terms : [...terms, tieBreaker(terms)];
}
