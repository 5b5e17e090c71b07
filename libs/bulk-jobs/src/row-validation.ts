import type { z } from 'zod';
import type { BulkAction, ResourceType, RowError } from '@batchyard/contracts';
import { naturalKey } from '@batchyard/read-models';
import { BulkLimits } from './limits';
import type { InputRow } from './payload';
import { ResourceCreateSchemas, ResourceUpdateSchemas, isResourceId } from './resource-schemas';

/** A row that passed validation: an update or delete names its `id`; a create or keyed merge does not. */
export interface ValidRow {
  line: number;
  id?: string;
  fields: Record<string, unknown>;
}

export interface RowRules {
  resource: ResourceType;
  action: BulkAction;
  /** Defaults for every row without an `id` (PX-CU `properties`). */
  properties: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What makes two rows the same item: the `id`, else the natural key; undefined for rows never duplicated. */
export function duplicateKey(row: InputRow, rules: RowRules): string | undefined {
  if (!isObject(row.value)) return undefined;
  if (typeof row.value.id === 'string') return `id:${row.value.id}`;
  if (rules.action === 'delete') return undefined;
  const key = naturalKey(rules.resource, row.value, rules.properties);
  return key === undefined ? undefined : `key:${key}`;
}

/**
 * The parsing phase's deduplication (PX-MOD `duplicate_handling`): `ignore_all` ignores every row of a
 * duplicated item, `use_first` keeps the first and ignores the rest.
 */
export function removeDuplicates(rows: readonly InputRow[], rules: RowRules, handling: 'ignore_all' | 'use_first'): { kept: InputRow[]; ignored: number } {
  const keys = rows.map((row) => duplicateKey(row, rules));
  const counts = new Map<string, number>();
  for (const key of keys) if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
  const seen = new Set<string>();
  const kept = rows.filter((_, i) => {
    const key = keys[i];
    if (key === undefined || counts.get(key) === 1) return true;
    if (handling === 'ignore_all' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { kept, ignored: rows.length - kept.length };
}

function issuesToErrors(line: number, error: z.ZodError, prefix: string[] = []): RowError[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') return { line, field: [...path, issue.keys[0]].join('.'), code: issue.code, message: `Unknown field '${issue.keys[0]}'` };
    return { line, field: path.join('.'), code: issue.code, message: issue.message };
  });
}

/** A valid row and its JSON, as its chunk's blob holds it (serialised once, for its size and its chunk). */
export interface CheckedRow {
  row: ValidRow;
  json: string;
}

/** The validation phase for one row, without the store: shape, required fields, id format, size. */
export function validateRow(input: InputRow, rules: RowRules): CheckedRow | RowError[] {
  const row = validRow(input, rules);
  if (Array.isArray(row)) return row;
  const json = JSON.stringify(row);
  if (Buffer.byteLength(json) > BulkLimits.maxRowBytes)
    return [{ line: row.line, field: '', code: 'too_big', message: `a row takes at most ${BulkLimits.maxRowBytes} bytes of JSON` }];
  return { row, json };
}

function validRow({ line, value }: InputRow, rules: RowRules): ValidRow | RowError[] {
  if (!isObject(value)) return [{ line, field: '', code: 'invalid_type', message: 'a row must be an object' }];
  const id = value.id;
  if (id !== undefined && (typeof id !== 'string' || !isResourceId(rules.resource, id))) {
    return [{ line, field: 'id', code: 'invalid_id', message: `id must be a ${rules.resource} id` }];
  }
  if (rules.action === 'delete') {
    if (id === undefined) return [{ line, field: 'id', code: 'required', message: 'A valid id is required for each item' }];
    return { line, id, fields: {} };
  }
  if (id !== undefined) {
    const { id: _, ...fields } = value;
    const parsed = ResourceUpdateSchemas[rules.resource].safeParse(fields);
    return parsed.success ? { line, id, fields: parsed.data } : issuesToErrors(line, parsed.error);
  }
  // Rows without an id are most rows of a large import: no copy unless there are defaults to merge in.
  const parsed = ResourceCreateSchemas[rules.resource].safeParse(hasDefaults(rules) ? { ...rules.properties, ...value } : value);
  return parsed.success ? { line, fields: parsed.data } : issuesToErrors(line, parsed.error);
}

const hasDefaults = (rules: RowRules) => Object.keys(rules.properties).length > 0;
