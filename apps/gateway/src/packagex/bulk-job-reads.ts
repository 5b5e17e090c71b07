import type { BulkMode } from '@batchyard/contracts';
import { Checkpoints, ProjectionLagError, projectionCheckpoint } from '@batchyard/projections';
import { ResourcesProjection, bulkJobDocId, type BulkJobDoc } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';
import { ApiError } from '../http/api-error';

const WAIT_POLL_MS = 25;
const MIXED_WAIT_MS = 30_000;
const SYNC_WAIT_MS = 120_000;

const READ_YOUR_WRITES_TIMEOUT_MS = 10_000;

const isEnded = (doc: BulkJobDoc) => ['completed', 'failed', 'timed_out', 'expired'].includes(doc.status);

/**
 * A job as its tenant may see it. An ended job is answered only once the resources read model shows its
 * writes (its document's position is its last event's), so a client that saw `completed` finds the resources.
 */
export async function findJob(readStore: ReadStore, tenant: string, id: string): Promise<BulkJobDoc> {
  const doc = /^batch_[A-Za-z0-9]{1,64}$/.test(id) ? await readStore.collection<BulkJobDoc>('bulk_jobs').get(bulkJobDocId(tenant, id)) : undefined;
  if (!doc) throw new ApiError('NOT_FOUND', `Batch ${id} not found`);
  if (isEnded(doc) && doc._position) {
    try {
      await new Checkpoints(readStore).waitFor(projectionCheckpoint(ResourcesProjection), doc._position, READ_YOUR_WRITES_TIMEOUT_MS);
    } catch (error) {
      if (error instanceof ProjectionLagError) throw new ApiError('SERVICE_UNAVAILABLE', 'The resources of this batch are not readable yet; retry');
      throw error;
    }
  }
  return doc;
}

/** Mixed answers after validation, sync when the job has ended, async at once (bounded: then as it stands). */
export async function waitForMode(readStore: ReadStore, tenant: string, jobId: string, mode: BulkMode): Promise<BulkJobDoc> {
  const ready = (doc: BulkJobDoc) => mode === 'async' || isEnded(doc) || (mode === 'mixed' && doc.phases.validation !== undefined);
  const deadline = Date.now() + (mode === 'sync' ? SYNC_WAIT_MS : MIXED_WAIT_MS);
  for (;;) {
    const doc = await findJob(readStore, tenant, jobId);
    if (ready(doc) || Date.now() > deadline) return doc;
    await new Promise((r) => setTimeout(r, WAIT_POLL_MS));
  }
}
