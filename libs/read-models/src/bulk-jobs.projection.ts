import {
  BulkJobCancelRequested,
  BulkJobCompleted,
  BulkJobExpired,
  BulkJobFailed,
  BulkJobQueued,
  BulkJobRequested,
  BulkJobTimedOut,
  BulkJobValidated,
  ChunkProcessed,
  PhaseCompleted,
  bulkJobEvents,
  type BulkJobSpec,
  type PhaseName,
  type RecordedEvent,
  type RecordedOf,
} from '@batchyard/contracts';
import type { Doc } from '@batchyard/read-store';
import { defineProjection } from '@batchyard/projections';
import { epochSeconds } from './epoch-seconds';
import { jobIdOfStream } from './resources.projection';

export type BulkJobStatus = 'requested' | 'queued' | 'processing' | 'completed' | 'failed' | 'timed_out' | 'expired';

export interface PhaseProgress {
  total: number;
  processed: number;
  success: number;
  error: number;
}

export interface BulkJobStats {
  created: number;
  updated: number;
  deleted: number;
  overwritten: number;
  ignored: number;
  rejected: number;
  unprocessed: number;
  events: number;
}

type BlobRef = { hash: string; size: number };

/** A PackageX batch (a bulk job), keyed `<tenant>:<jobId>`; timestamps in epoch seconds. */
export interface BulkJobDoc extends Doc {
  tenant: string;
  jobId: string;
  resource: BulkJobSpec['resource'];
  action: BulkJobSpec['action'];
  mode: BulkJobSpec['mode'];
  via: BulkJobSpec['via'];
  duplicateHandling: BulkJobSpec['duplicateHandling'];
  saveUpload: boolean;
  saveResult: boolean;
  /** The job's `properties` (defaults for rows without an id), for a retry; absent on jobs projected before it was kept. */
  properties?: BulkJobSpec['properties'];
  /** The job whose rejected and unprocessed rows this one retries (`retry_of`). */
  retryOf?: string;
  status: BulkJobStatus;
  reason: string | null;
  /** Rows received. */
  rows: number;
  deadlineAt?: number;
  phases: Partial<Record<PhaseName, PhaseProgress>>;
  stats: BulkJobStats;
  upload?: BlobRef & { format: 'csv' | 'json' };
  files: { errorsCsv?: BlobRef; errorsJson?: BlobRef; resultJson?: BlobRef; resultCsv?: BlobRef; unprocessedCsv?: BlobRef; unprocessedJson?: BlobRef };
  expiresAt?: number;
  createdAt: number;
  updatedAt: number;
  updatedBy: string;
}

export const bulkJobDocId = (tenant: string, jobId: string) => `${tenant}:${jobId}`;

const ZERO_STATS: BulkJobStats = { created: 0, updated: 0, deleted: 0, overwritten: 0, ignored: 0, rejected: 0, unprocessed: 0, events: 0 };

function newJob(event: RecordedEvent, spec: BulkJobSpec, status: BulkJobStatus): Omit<BulkJobDoc, '_id'> {
  const at = epochSeconds(event.occurredAt);
  return {
    tenant: event.tenant,
    jobId: spec.jobId,
    resource: spec.resource,
    action: spec.action,
    mode: spec.mode,
    via: spec.via,
    duplicateHandling: spec.duplicateHandling,
    saveUpload: spec.saveUpload,
    saveResult: spec.saveResult,
    properties: spec.properties,
    ...(spec.retryOf && { retryOf: spec.retryOf }),
    status,
    reason: null,
    rows: 0,
    phases: {},
    stats: { ...ZERO_STATS, events: 1 },
    files: {},
    createdAt: at,
    updatedAt: at,
    updatedBy: spec.createdBy.keyId,
  };
}

type BulkJobRecorded = RecordedOf<(typeof bulkJobEvents)[number]>;

interface JobPatch {
  set: Record<string, unknown>;
  inc: Record<string, number>;
}

/** Every later event patches the job: progress counters are increments, guarded by the event's position. */
const patch = (event: RecordedEvent): JobPatch => ({ set: { updatedAt: epochSeconds(event.occurredAt) }, inc: { 'stats.events': 1 } });

function changes(event: BulkJobRecorded): JobPatch | undefined {
  const p = patch(event);
  switch (event.type) {
    case BulkJobQueued.type: {
      const data = event.data;
      Object.assign(p.set, { status: 'queued', upload: data.upload, rows: data.upload.rows, deadlineAt: epochSeconds(data.deadlineAt) });
      return p;
    }
    case PhaseCompleted.type: {
      const data = event.data;
      const done = data.phase === 'processing' || data.phase === 'cleanup';
      // Processing and cleanup count up chunk by chunk; their PhaseCompleted only confirms the totals.
      if (!done) p.set[`phases.${data.phase}`] = { total: data.total, processed: data.total, success: data.success, error: data.error };
      if (data.phase === 'parsing') p.inc['stats.ignored'] = data.ignored ?? 0;
      if (data.phase === 'validation') {
        p.inc['stats.rejected'] = data.error;
        p.set['phases.processing'] = { total: data.success, processed: 0, success: 0, error: 0 };
      }
      if (data.phase === 'processing') p.set['phases.processing.total'] = data.total;
      if (data.phase === 'cleanup') p.set['phases.cleanup.total'] = data.total;
      return p;
    }
    case ChunkProcessed.type: {
      const data = event.data;
      const count = (op: string) => data.writes.filter((w) => w.op === op).length;
      const phase = `phases.${data.phase}`;
      p.set.status = 'processing';
      Object.assign(p.inc, {
        [`${phase}.processed`]: data.writes.length + data.errors.length,
        [`${phase}.success`]: data.writes.length,
        [`${phase}.error`]: data.errors.length,
      });
      if (data.phase === 'cleanup') {
        p.inc['stats.overwritten'] = data.writes.length;
      } else {
        Object.assign(p.inc, { 'stats.created': count('create'), 'stats.updated': count('update'), 'stats.deleted': count('delete') });
        p.inc['stats.rejected'] = data.errors.length;
      }
      return p;
    }
    // Counted among the job's events; the job reads as it stands until the processor ends it.
    case BulkJobCancelRequested.type:
      return p;
    case BulkJobCompleted.type: {
      const data = event.data;
      Object.assign(p.set, { status: 'completed', files: data.files });
      return p;
    }
    case BulkJobFailed.type:
    case BulkJobTimedOut.type:
    case BulkJobExpired.type:
    case BulkJobValidated.type: {
      const data = event.data;
      const status = { [BulkJobFailed.type]: 'failed', [BulkJobTimedOut.type]: 'timed_out', [BulkJobExpired.type]: 'expired', [BulkJobValidated.type]: 'completed' }[event.type];
      Object.assign(p.set, { status, reason: data.reason, files: data.files });
      p.inc['stats.unprocessed'] = data.unprocessed;
      return p;
    }
    default:
      return undefined;
  }
}

export const BulkJobsProjection = defineProjection({
  name: 'bulk-jobs',
  version: 1,
  events: bulkJobEvents,
  collections: [
    {
      name: 'bulk_jobs',
      indexes: [
        {
          name: 'by_tenant_created',
          fields: [
            ['tenant', 1],
            ['createdAt', 1],
          ],
        },
        {
          name: 'by_tenant_status',
          fields: [
            ['tenant', 1],
            ['status', 1],
          ],
        },
        // The bulk processor's deadline sweep, across tenants.
        {
          name: 'by_status_deadline',
          fields: [
            ['status', 1],
            ['deadlineAt', 1],
          ],
        },
        {
          name: 'by_status_expiry',
          fields: [
            ['status', 1],
            ['expiresAt', 1],
          ],
        },
      ],
    },
  ],
  apply(event) {
    const id = bulkJobDocId(event.tenant, jobIdOfStream(event.stream));
    if (event.type === BulkJobRequested.type) {
      const { expiresAt, ...spec } = event.data;
      return [{ collection: 'bulk_jobs', op: { kind: 'put', id, doc: { ...newJob(event, spec, 'requested'), expiresAt: epochSeconds(expiresAt) } } }];
    }
    if (event.type === BulkJobQueued.type) {
      const data = event.data;
      if (data.spec)
        return [
          {
            collection: 'bulk_jobs',
            op: { kind: 'put', id, doc: { ...newJob(event, data.spec, 'queued'), upload: data.upload, rows: data.upload.rows, deadlineAt: epochSeconds(data.deadlineAt) } },
          },
        ];
    }
    const change = changes(event);
    return change ? [{ collection: 'bulk_jobs', op: { kind: 'patch', id, ...change } }] : [];
  },
});
