import { z } from 'zod';
import { isPrototypeKey } from '@batchyard/client-input';
import { EVRYTHNG_ID_PATTERN } from '@batchyard/contracts';
import type { Filter, FindOptions } from '@batchyard/read-store';
import { ApiError } from '../http/api-error';
import { parseInput } from '../http/zod-issues';

const MAX_IDS = 100;

/** The query of a listing (EVT-PAG, EVT-FLT); other parameters are ignored, as EVRYTHNG does. */
export const ListQuerySchema = z.object({
  filter: z.string().optional(),
  ids: z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .refine((ids) => ids.length <= MAX_IDS, `ids takes at most ${MAX_IDS} ids`)
    .refine((ids) => ids.every((id) => EVRYTHNG_ID_PATTERN.test(id)), 'ids must be 24-character EVRYTHNG ids')
    .optional(),
  perPage: z.coerce.number().int().min(1).max(100).default(30),
  sortOrder: z.enum(['DESCENDING', 'ASCENDING']).default('DESCENDING'),
  nextPageToken: z.string().optional(),
});

interface ListQuery {
  filter: Filter;
  options: FindOptions & { limit: number };
  perPage: number;
}

/** Where a filter field matches in the read model, and whether it is a list that must contain the value. */
export interface FilterTarget {
  path: string;
  contains?: boolean;
}

/** Where a resource's `=` filter fields live in its read model: a field name, or how to match it. */
export interface ListingFields {
  /**
   * The read-model field an `=` clause on this filter field matches, or undefined when it cannot be filtered on;
   * several when the field lives in more than one shape of document (a unit's Thng, a generated one): any of them.
   */
  equals(field: string): FilterTarget | readonly FilterTarget[] | undefined;
  /** The read-model field `?ids=` matches. */
  idPath: string;
  /** The filter fields, for the error message. */
  names: string;
}

/** Filter fields of a fixed list: looked up as the list's own entries only (`constructor` is none of them). */
export function filterFields(
  targets: Record<string, FilterTarget | readonly FilterTarget[]>,
  matchAlso?: (field: string) => FilterTarget | readonly FilterTarget[] | undefined,
): ListingFields['equals'] {
  const known = new Map(Object.entries(targets));
  return (field) => known.get(field) ?? matchAlso?.(field);
}

/** An identifier's key a filter can name (EVT-FLT `identifiers.<key>`): a field name the read store takes, never a prototype's. */
const IDENTIFIER_KEY = /^identifiers\.([A-Za-z_][A-Za-z0-9_-]{0,99})$/;
export const IDENTIFIER_KEY_RULE = 'identifiers.<key> (letters, digits, _ and -, not starting with a digit)';

export function identifierFilter(field: string): FilterTarget | undefined {
  return keyOf(IDENTIFIER_KEY, field) !== undefined ? { path: field } : undefined;
}

/** A `customFields.<key>` filter field's key, under the same rule as an identifier's. */
const CUSTOM_FIELD_KEY = /^customFields\.([A-Za-z_][A-Za-z0-9_-]{0,99})$/;

/** The key of a `<prefix>.<key>` filter field when the key is one a filter can name, else undefined. */
export function keyOf(pattern: RegExp, field: string): string | undefined {
  const key = pattern.exec(field)?.[1];
  return key !== undefined && !isPrototypeKey(key) ? key : undefined;
}
export const customFieldKey = (field: string) => keyOf(CUSTOM_FIELD_KEY, field);
export const identifierKey = (field: string) => keyOf(IDENTIFIER_KEY, field);

/**
 * A filter expression as `field<op>value` clauses joined by `&` (all must hold): `=` on the resource's
 * filterable fields, and `createdAt>` / `createdAt<` (epoch ms).
 */
function parseFilter(expression: string, fields: ListingFields): Filter {
  const filter: Filter = {};
  const anyOf: Filter[] = [];
  const createdAt: { $gt?: number; $lt?: number } = {};
  for (const clause of expression.split('&')) {
    const match = /^([A-Za-z_][\w.]*)\s*([=<>])(.*)$/.exec(clause.trim());
    const field = match?.[1];
    if (!match || (field !== 'createdAt' && !fields.equals(field!))) {
      throw filterError(`cannot filter on '${clause}'; use ${fields.names} or createdAt`);
    }
    const [, , op, value] = match;
    if (field === 'createdAt') {
      const at = Number(value);
      if (op === '=' || value.trim() === '' || !Number.isFinite(at)) throw filterError('createdAt takes > or < and a number of epoch milliseconds');
      createdAt[op === '>' ? '$gt' : '$lt'] = at;
    } else if (op !== '=') {
      throw filterError(`${field} takes only =`);
    } else {
      const targets = [fields.equals(field!)!].flat();
      const conditions = targets.map((target): Filter => ({ [target.path]: target.contains ? { $has: value } : value }));
      if (conditions.length === 1) Object.assign(filter, conditions[0]);
      else anyOf.push({ $or: conditions });
    }
  }
  if (anyOf.length) filter.$and = anyOf;
  if (Object.keys(createdAt).length) filter.createdAt = createdAt;
  return filter;
}

/** The read-store query of a listing page: keyset on (createdAt, _id), one extra row to tell whether a next page exists. */
function listQuery(tenant: string, query: unknown, fields: ListingFields): ListQuery {
  const single = singleValued(query);
  const q = parseInput(ListQuerySchema, single);
  const filter: Filter = { ...(q.filter !== undefined && parseFilter(q.filter, fields)), tenant };
  if (q.ids) filter[fields.idPath] = { $in: q.ids };
  const direction = q.sortOrder === 'ASCENDING' ? 1 : -1;
  return {
    filter,
    perPage: q.perPage,
    options: {
      sort: [['createdAt', direction]],
      limit: q.perPage + 1,
      ...(q.nextPageToken !== undefined && { after: decodePageToken(q.nextPageToken) }),
    },
  };
}

function encodePageToken(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

function decodePageToken(token: string): { values: unknown[]; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown[];
    if (Number.isFinite(createdAt) && typeof id === 'string' && id.length <= 200) return { values: [createdAt], id };
  } catch {
    // falls through to the 400 below
  }
  throw ApiError.validation([{ code: 'invalid_string', path: ['nextPageToken'], message: 'not a page token this server issued' }]);
}

/**
 * The next page's URL as the SDK follows it: absolute, the same parameters with a new token, and the
 * whole URL encoded once more, since the SDK decodes the `Link` target once and requests it as is.
 */
function nextLink(base: string, resourcePath: string, query: Record<string, string>, token: string): string {
  const params = { ...query, nextPageToken: token };
  const search = Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return `<${encodeURIComponent(`${base}${resourcePath}?${search}`)}>; rel="next"`;
}

/** Each parameter given once: a repeated one (an array after query parsing) is a 400. */
function singleValued(query: unknown): Record<string, string> {
  // The client's parameter names become its keys.
  const out: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (typeof value !== 'string') {
      throw ApiError.validation([{ code: 'invalid_type', path: [key], message: `${key} must be given once, as a plain value` }]);
    }
    out[key] = value;
  }
  return out;
}

function filterError(message: string): ApiError {
  return ApiError.validation([{ code: 'invalid_format', path: ['filter'], message }]);
}

/** A page of a keyset listing: `x-result-count`, and `Link` when a further page exists. */
export async function keysetPage<D extends { _id: string; createdAt: number }>(
  collection: { find(f: Filter, o: FindOptions): Promise<D[]>; count(f: Filter): Promise<number> },
  page: { tenant: string; query: unknown; fields: ListingFields; base: string; resourcePath: string },
  setHeader: (name: string, value: string) => void,
): Promise<D[]> {
  const { filter, options, perPage } = listQuery(page.tenant, page.query, page.fields);
  const [rows, total] = await Promise.all([collection.find(filter, options), collection.count(filter)]);
  setHeader('x-result-count', String(total));
  const shown = rows.slice(0, perPage);
  if (rows.length > perPage) {
    const last = shown[shown.length - 1];
    const { nextPageToken: _, ...rest } = singleValued(page.query);
    setHeader('link', nextLink(page.base, page.resourcePath, rest, encodePageToken(last.createdAt, last._id)));
  }
  return shown;
}
