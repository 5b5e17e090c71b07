import { z } from 'zod';
import {
  BulkJobCancelRequested,
  BulkJobCompleted,
  BulkJobExpired,
  BulkJobFailed,
  BulkJobRequested,
  BulkJobSpecSchema,
  BulkJobTimedOut,
  BulkJobValidated,
  BulkLockAcquired,
  BulkLockReleased,
  ChunkProcessed,
  PhaseCompleted,
  UploadSchema,
} from '../events/bulk-job-events';
import { StreamCategory } from '../streams';
import { defineCommand } from './command-definitions';

/**
 * Creates a job that waits for its payload until `expiresAt`. `uploadBytes`: the payload's size when the caller has it
 * already (a job created with its data), so the job takes its place and bytes now, before the payload is stored.
 */
export const RequestBulkJob = defineCommand({
  type: 'RequestBulkJob',
  category: StreamCategory.bulkjob,
  schema: BulkJobRequested.schema.omit({ createdBy: true }).extend({ uploadBytes: z.number().int().nonnegative().optional() }),
});

/**
 * A requested job about to get its upload takes its place and the upload's bytes, before the gateway stores it (a
 * refused upload stores nothing). Records nothing on the job: `QueueBulkJob` follows with the stored upload.
 */
export const ReserveBulkJobPayload = defineCommand({
  type: 'ReserveBulkJobPayload',
  category: StreamCategory.bulkjob,
  schema: z.object({ bytes: z.number().int().nonnegative() }),
});

/** Queues a job with its payload: a new job (with `spec`) or a requested one whose upload arrived. */
export const QueueBulkJob = defineCommand({
  type: 'QueueBulkJob',
  category: StreamCategory.bulkjob,
  schema: z.object({
    spec: BulkJobSpecSchema.omit({ createdBy: true }).optional(),
    upload: UploadSchema,
    deadlineAt: z.iso.datetime(),
  }),
});

/** The bulk processor records its progress as commands on the job, so a repeated step appends nothing twice. */
export const RecordPhases = defineCommand({
  type: 'RecordPhases',
  category: StreamCategory.bulkjob,
  schema: z.object({ phases: z.array(PhaseCompleted.schema).min(1) }),
});

export const RecordChunk = defineCommand({
  type: 'RecordChunk',
  category: StreamCategory.bulkjob,
  schema: ChunkProcessed.schema,
});

export const CompleteBulkJob = defineCommand({
  type: 'CompleteBulkJob',
  category: StreamCategory.bulkjob,
  schema: BulkJobCompleted.schema,
});

export const EndBulkJob = defineCommand({
  type: 'EndBulkJob',
  category: StreamCategory.bulkjob,
  schema: BulkJobFailed.schema.extend({ status: z.enum([BulkJobFailed.type, BulkJobTimedOut.type, BulkJobExpired.type, BulkJobValidated.type]) }),
});

/** A caller's cancel; the processor ends the job at its next step. */
export const CancelBulkJob = defineCommand({ type: 'CancelBulkJob', category: StreamCategory.bulkjob, schema: BulkJobCancelRequested.schema });

/** Aggregate id of the lock commands: `bulkLockId(resource)`. */
export const AcquireBulkLock = defineCommand({ type: 'AcquireBulkLock', category: StreamCategory.reservation, schema: BulkLockAcquired.schema });
export const ReleaseBulkLock = defineCommand({ type: 'ReleaseBulkLock', category: StreamCategory.reservation, schema: BulkLockReleased.schema });
