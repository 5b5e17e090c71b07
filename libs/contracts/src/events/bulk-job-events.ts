import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { StreamCategory } from '../streams';
import { ResourceFieldsSchema, ResourceTypeSchema } from './resource-events';

export const BulkActionSchema = z.enum(['merge', 'overwrite', 'delete']);
export const BulkModeSchema = z.enum(['sync', 'mixed', 'async']);
export const DuplicateHandlingSchema = z.enum(['ignore_all', 'use_first']);
export const PhaseNameSchema = z.enum(['parsing', 'validation', 'processing', 'cleanup']);
export type BulkAction = z.infer<typeof BulkActionSchema>;
export type BulkMode = z.infer<typeof BulkModeSchema>;
export type PhaseName = z.infer<typeof PhaseNameSchema>;

/** A blob in the blob store, named by the SHA-256 of its content. */
export const BlobRefSchema = z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().nonnegative() });

/** One rejected input row: its 1-based line in the upload (a CSV's header is line 1), the field and why. */
export const RowErrorSchema = z.object({ line: z.number().int(), field: z.string(), code: z.string(), message: z.string() });
export type RowError = z.infer<typeof RowErrorSchema>;

/** What a bulk job was asked to do; the same for a job queued with its data and one waiting for an upload. */
export const BulkJobSpecSchema = z.object({
  jobId: z.string(),
  resource: ResourceTypeSchema,
  action: BulkActionSchema,
  mode: BulkModeSchema,
  via: z.enum(['api', 'file']),
  duplicateHandling: DuplicateHandlingSchema,
  properties: ResourceFieldsSchema,
  saveUpload: z.boolean(),
  saveResult: z.boolean(),
  /** `validate_only`: parse and validate, write nothing, end BulkJobValidated. Absent in earlier events (false). */
  validateOnly: z.boolean().optional(),
  /** `retry_of`: the ended job of the same tenant whose rejected and unprocessed rows this job's payload holds. Absent in earlier events. */
  retryOf: z.string().optional(),
  createdBy: z.object({ keyId: z.string(), name: z.string(), role: z.string() }),
});
export type BulkJobSpec = z.infer<typeof BulkJobSpecSchema>;

/**
 * The payload of a job and the rows the gateway counted in it (every row must be accounted for). `parsedRows`:
 * a CSV's rows as the gateway read them (a JSON array of `{line, value}`), so the processor need not parse it again.
 */
export const UploadSchema = BlobRefSchema.extend({
  format: z.enum(['csv', 'json']),
  rows: z.number().int().nonnegative(),
  parsedRows: BlobRefSchema.optional(),
});

export const BulkJobRequested = defineEvent({
  type: 'BulkJobRequested',
  version: 1,
  category: StreamCategory.bulkjob,
  description: 'A bulk job was created without data; it waits for one upload to its signed URL until `expiresAt`.',
  schema: BulkJobSpecSchema.extend({ expiresAt: z.iso.datetime() }),
});

export const BulkJobQueued = defineEvent({
  type: 'BulkJobQueued',
  version: 1,
  category: StreamCategory.bulkjob,
  description: 'A bulk job has its payload (in the blob store, by hash) and waits for the bulk processor. `spec` is absent when the job was requested first.',
  schema: z.object({ spec: BulkJobSpecSchema.optional(), upload: UploadSchema, deadlineAt: z.iso.datetime() }),
});

/** Rows cut into chunks by the validation phase, each chunk a JSON blob of `{line, id?, fields}` rows. */
export const ChunkRefSchema = BlobRefSchema.extend({ rows: z.number().int().positive() });

export const PhaseCompleted = defineEvent({
  type: 'PhaseCompleted',
  version: 1,
  category: StreamCategory.bulkjob,
  description: 'A phase ended. Parsing reports rows read and duplicates ignored; validation the rows rejected (their errors in a blob) and the chunks to process.',
  schema: z.object({
    phase: PhaseNameSchema,
    total: z.number().int().nonnegative(),
    success: z.number().int().nonnegative(),
    error: z.number().int().nonnegative(),
    ignored: z.number().int().nonnegative().optional(),
    chunks: z.array(ChunkRefSchema).optional(),
    errors: BlobRefSchema.optional(),
  }),
});

/**
 * One resource write of a chunk: enough for the resources projection to apply it without the upload. `key` (the
 * lower-cased natural key) is in earlier events only: it is derived from `fields`, and made every chunk's event larger.
 */
export const ChunkWriteSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('create'), line: z.number().int(), id: z.string(), key: z.string().optional(), fields: ResourceFieldsSchema }),
  z.object({ op: z.literal('update'), line: z.number().int(), id: z.string(), key: z.string().optional(), fields: ResourceFieldsSchema }),
  z.object({ op: z.literal('delete'), line: z.number().int(), id: z.string() }),
]);
export type ChunkWrite = z.infer<typeof ChunkWriteSchema>;

export const ChunkProcessed = defineEvent({
  type: 'ChunkProcessed',
  version: 1,
  category: StreamCategory.bulkjob,
  description: 'One chunk of a processing or cleanup phase was written: the resources it created, updated or deleted (line 0 for cleanup deletions) and the rows it rejected.',
  schema: z.object({
    phase: z.enum(['processing', 'cleanup']),
    chunk: z.number().int().nonnegative(),
    resource: ResourceTypeSchema,
    writes: z.array(ChunkWriteSchema),
    errors: z.array(RowErrorSchema),
  }),
});

/**
 * A job's files. `resultCsv`, `unprocessedCsv` and `unprocessedJson` were added later (issue 18): optional, absent
 * from the events of jobs that ended before, so every earlier event still reads as it was (no new event version).
 */
export const BulkJobFilesSchema = z.object({
  errorsCsv: BlobRefSchema.optional(),
  errorsJson: BlobRefSchema.optional(),
  resultJson: BlobRefSchema.optional(),
  /** With `save_result`: each row received that was written or ignored, its own cells, then `line,outcome,id`. */
  resultCsv: BlobRefSchema.optional(),
  /** The rows a cancelled, timed-out or failed job (or a dry run) never reached, as received. */
  unprocessedCsv: BlobRefSchema.optional(),
  unprocessedJson: BlobRefSchema.optional(),
});

export const BulkJobCompleted = defineEvent({
  type: 'BulkJobCompleted',
  version: 1,
  category: StreamCategory.bulkjob,
  description: 'Every row of the job ended created, updated, deleted, ignored or rejected; its files are in the blob store.',
  schema: z.object({ files: BulkJobFilesSchema }),
});

/** A job that ends without completing keeps its reason and the rows it never reached. */
const EndedSchema = z.object({ reason: z.string(), unprocessed: z.number().int().nonnegative(), files: BulkJobFilesSchema });

export const BulkJobFailed = defineEvent({
  type: 'BulkJobFailed',
  version: 1,
  category: StreamCategory.bulkjob,
  description: 'The job could not start or complete (for example, an upload that cannot be parsed).',
  schema: EndedSchema,
});

export const BulkJobTimedOut = defineEvent({
  type: 'BulkJobTimedOut',
  version: 1,
  category: StreamCategory.bulkjob,
  description: 'The job passed its deadline; rows not reached count as unprocessed.',
  schema: EndedSchema,
});

export const BulkJobValidated = defineEvent({
  type: 'BulkJobValidated',
  version: 1,
  category: StreamCategory.bulkjob,
  description:
    'A validate-only job (a dry run) ended after parsing and validation, writing no resource: it reads `completed` with this reason; its valid rows count as unprocessed, its rejected rows are in the error file.',
  schema: EndedSchema,
});

export const BulkJobExpired = defineEvent({
  type: 'BulkJobExpired',
  version: 1,
  category: StreamCategory.bulkjob,
  description: 'A requested job got no upload before its signed URL expired.',
  schema: EndedSchema,
});

export const BulkJobCancelRequested = defineEvent({
  type: 'BulkJobCancelRequested',
  version: 1,
  category: StreamCategory.bulkjob,
  description:
    'A caller asked to cancel a requested, queued or processing job (`POST /v1/batches/:id/cancel`); the bulk processor ends it with BulkJobFailed and this reason between chunks, keeping what was written.',
  schema: z.object({ reason: z.string() }),
});

/** The events of a bulk job's own stream, in the order a job meets them. */
export const bulkJobEvents = [
  BulkJobRequested,
  BulkJobQueued,
  PhaseCompleted,
  ChunkProcessed,
  BulkJobCompleted,
  BulkJobFailed,
  BulkJobTimedOut,
  BulkJobExpired,
  BulkJobValidated,
  BulkJobCancelRequested,
] as const;

/**
 * One overwrite or delete job per resource type and tenant at a time: the job holds a lock, a stream of its own
 * (`reservation-<tenant>.bulk-lock:<resource>`), so the event store's expected-revision check, not a read model,
 * decides which of two jobs requested at once runs.
 */
const BulkLockSchema = z.object({ resource: ResourceTypeSchema, jobId: z.string() });
export const bulkLockId = (resource: string) => `bulk-lock:${resource}`;

export const BulkLockAcquired = defineEvent({
  type: 'BulkLockAcquired',
  version: 1,
  category: StreamCategory.reservation,
  description:
    'An overwrite or delete job took its resource type, until it ends. `heldUntil` bounds a lock whose job never started (its request died before queueing it): past it, another job may take the lock.',
  schema: BulkLockSchema.extend({ heldUntil: z.iso.datetime() }),
});

export const BulkLockReleased = defineEvent({
  type: 'BulkLockReleased',
  version: 1,
  category: StreamCategory.reservation,
  description: 'The job holding the lock of its resource type ended (or was refused), so the next overwrite or delete may start.',
  schema: BulkLockSchema,
});
