import type { BulkMode } from '@batchyard/contracts';
import { Checkpoints, projectionCheckpoint } from '@batchyard/projections';
import { ResourcesProjection, bulkJobDocId, type BulkJobDoc } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';
import { ApiError } from '../http/api-error';

const WAIT_POLL_MS = 25;
const MIXED_WAIT_MS = 30_000;
const SYNC_WAIT_MS = 120_000;

export const isEnded = (doc: BulkJobDoc) => ['completed', 'failed', 'timed_out', 'expired'].includes(doc.status);

/**
 * A job as far as its effects are readable: an ended job whose last event the resources read model has not reached
 * yet still reads `processing`, without its end (reason, files), so a client that saw it ended finds its resources.
 * Its counts are its own and only grow; a status read never fails because a projection lags (docs/bulk-jobs.md).
 */
export function readableJob(doc: BulkJobDoc, resourcesReached: number): BulkJobDoc {
  if (!isEnded(doc) || !doc._position || resourcesReached >= doc._position) return doc;
  return { ...doc, status: 'processing', reason: null, files: {} };
}

/** How far the resources read model has come, for `readableJob`. */
export const resourcesReached = (readStore: ReadStore) => new Checkpoints(readStore).get(projectionCheckpoint(ResourcesProjection));

/** A job as its tenant may see it (`readableJob`); 404 for another tenant's or an unknown id. */
export async function findJob(readStore: ReadStore, tenant: string, id: string): Promise<BulkJobDoc> {
  const doc = /^batch_[A-Za-z0-9]{1,64}$/.test(id) ? await readStore.collection<BulkJobDoc>('bulk_jobs').get(bulkJobDocId(tenant, id)) : undefined;
  if (!doc) throw new ApiError('NOT_FOUND', `Batch ${id} not found`);
  return readableJob(doc, await resourcesReached(readStore));
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
