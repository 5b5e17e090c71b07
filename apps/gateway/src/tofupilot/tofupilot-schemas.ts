import { z } from 'zod';
import { TofuNumber } from '../batch-domain/batch-number';

/** TofuPilot's strict date-time: a real calendar date, `T`, HH:MM[:SS[.f]], and a mandatory Z or ±HH:MM. */
const DATE_TIME =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|([+-](?:[01]\d|2[0-3]):[0-5]\d)))$/;
const DateTime = z
  .string()
  .regex(DATE_TIME, 'must be an ISO 8601 date-time with a zone, e.g. 2024-01-31T12:00:00Z')
  .transform((s) => Date.parse(s));

/** Arrays come as repeated keys (`?ids=a&ids=b`); one occurrence arrives as a plain string. */
const many = <T extends z.ZodType>(item: T) => z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(item));
// A scalar parameter given twice arrives as an array, which these refuse.
const Int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const Bool = z.enum(['true', 'false']).transform((v) => v === 'true');

const paging = {
  limit: Int(1, 100).default(50),
  cursor: Int(0, Number.MAX_SAFE_INTEGER).default(0),
  sort_order: z.enum(['asc', 'desc']).default('desc'),
  created_after: DateTime.optional(),
  created_before: DateTime.optional(),
};

export const BatchListQuery = z.strictObject({
  ids: many(z.uuid()).optional(),
  numbers: many(z.string().min(1)).optional(),
  search_query: z.string().max(100).optional(),
  part_numbers: many(z.string().min(1)).optional(),
  revision_numbers: many(z.string().min(1)).optional(),
  sort_by: z.enum(['number', 'created_at']).default('created_at'),
  ...paging,
});
export type BatchListQuery = z.infer<typeof BatchListQuery>;

/**
 * The client always sends `latest_only` and `exclude_units_with_parent`. Batchyard records no test runs and
 * no sub-units: those two change nothing, `last_run_*` sorts fall back to created_at, and a filter on runs
 * (procedures, outcomes, start times, at least one run) matches no unit.
 */
export const UnitListQuery = z.strictObject({
  ids: many(z.uuid()).optional(),
  serial_numbers: many(z.string().min(1)).optional(),
  search_query: z.string().max(100).optional(),
  part_numbers: many(z.string().min(1)).optional(),
  revision_numbers: many(z.string().min(1)).optional(),
  batch_numbers: many(z.string().min(1)).optional(),
  created_by_user_ids: many(z.string().min(1)).optional(),
  created_by_station_ids: many(z.string().min(1)).optional(),
  latest_only: Bool.optional(),
  exclude_units_with_parent: Bool.optional(),
  procedure_ids: many(z.string().min(1)).optional(),
  outcomes: many(z.enum(['PASS', 'FAIL', 'ERROR', 'TIMEOUT', 'ABORTED'])).optional(),
  started_after: DateTime.optional(),
  started_before: DateTime.optional(),
  run_count_min: Int(0, Number.MAX_SAFE_INTEGER).optional(),
  run_count_max: Int(0, Number.MAX_SAFE_INTEGER).optional(),
  sort_by: z.enum(['serial_number', 'created_at', 'last_run_at', 'part_number', 'last_run_procedure']).default('created_at'),
  ...paging,
});
export type UnitListQuery = z.infer<typeof UnitListQuery>;

export const BatchCreateBody = z.strictObject({ number: TofuNumber });
export const BatchUpdateBody = z.strictObject({ new_number: TofuNumber });
export const UnitCreateBody = z.strictObject({ serial_number: TofuNumber, part_number: TofuNumber, revision_number: TofuNumber });
/** At least one change: a PATCH with no body or `{}` would answer the unit's id having done nothing. */
export const UnitUpdateBody = z
  .strictObject({
    new_serial_number: TofuNumber.optional(),
    part_number: TofuNumber.optional(),
    revision_number: TofuNumber.optional(),
    batch_number: TofuNumber.nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'Give at least one of new_serial_number, part_number, revision_number, batch_number')
  .meta({ minProperties: 1 });
export const UnitDeleteQuery = z.strictObject({ serial_numbers: many(TofuNumber).pipe(z.array(z.string()).min(1).max(100)) });
