import { BulkJobCompleted, BulkJobQueued, BulkJobTimedOut, ChunkProcessed, PhaseCompleted, type RecordedEvent } from '@batchyard/contracts';
import { BulkJobsProjection } from './bulk-jobs.projection';
import { ResourcesProjection } from './resources.projection';

let position = 0;
const event = (type: string, data: unknown): RecordedEvent => ({
  eventId: `e${++position}`,
  type,
  version: 1,
  tenant: 'acme',
  stream: 'bulkjob-acme.batch_1',
  correlationId: 'c',
  causationId: 'c',
  occurredAt: '2026-01-01T00:00:10.000Z',
  data,
  revision: position - 1,
  position,
});
const spec = {
  jobId: 'batch_1',
  resource: 'contact',
  action: 'overwrite',
  mode: 'mixed',
  via: 'api',
  duplicateHandling: 'ignore_all',
  properties: {},
  saveUpload: false,
  saveResult: false,
  createdBy: { keyId: 'k1', name: 'ci', role: 'user' },
};
const hash = 'b'.repeat(64);
const chunk = ChunkProcessed.schema.parse({
  phase: 'processing',
  chunk: 0,
  resource: 'contact',
  writes: [
    { op: 'create', line: 2, id: 'contact_a', fields: { name: 'A', email: 'A@x.io' } },
    { op: 'update', line: 3, id: 'contact_b', fields: { phone: '1' } },
  ],
  errors: [{ line: 4, field: 'id', code: 'not_found', message: 'gone' }],
});

describe('bulk job and resource projections', () => {
  it('count rows into stats and phases as the job records them', () => {
    const queued = BulkJobsProjection.apply(event(BulkJobQueued.type, { spec, upload: { hash, size: 1, format: 'json', rows: 6 }, deadlineAt: '2026-01-01T01:00:00.000Z' }));
    expect(queued).toEqual([
      {
        collection: 'bulk_jobs',
        op: expect.objectContaining({ kind: 'put', id: 'acme:batch_1', doc: expect.objectContaining({ status: 'queued', rows: 6, createdAt: 1767225610 }) }),
      },
    ]);
    const validation = BulkJobsProjection.apply(event(PhaseCompleted.type, { phase: 'validation', total: 5, success: 3, error: 2, chunks: [{ hash, size: 1, rows: 3 }] }));
    expect(validation[0].op).toMatchObject({
      kind: 'patch',
      set: { 'phases.validation': { total: 5, processed: 5, success: 3, error: 2 }, 'phases.processing': { total: 3, processed: 0, success: 0, error: 0 } },
      inc: { 'stats.rejected': 2, 'stats.events': 1 },
    });
    expect(BulkJobsProjection.apply(event(ChunkProcessed.type, chunk))[0].op).toMatchObject({
      set: { status: 'processing' },
      inc: {
        'stats.created': 1,
        'stats.updated': 1,
        'stats.deleted': 0,
        'stats.rejected': 1,
        'phases.processing.processed': 3,
        'phases.processing.success': 2,
        'phases.processing.error': 1,
      },
    });
  });

  it('records how a job ended and why', () => {
    expect(BulkJobsProjection.apply(event(BulkJobCompleted.type, { files: {} }))[0].op).toMatchObject({ set: { status: 'completed' } });
    expect(BulkJobsProjection.apply(event(BulkJobTimedOut.type, { reason: 'late', unprocessed: 3, files: {} }))[0].op).toMatchObject({
      set: { status: 'timed_out', reason: 'late' },
      inc: { 'stats.unprocessed': 3 },
    });
  });

  it('expands a chunk into one write per resource, marked with the job that wrote it', () => {
    const writes = ResourcesProjection.apply(event(ChunkProcessed.type, chunk));
    expect(writes).toEqual([
      {
        collection: 'resources',
        op: {
          kind: 'put',
          id: 'acme:contact_a',
          doc: {
            tenant: 'acme',
            resource: 'contact',
            id: 'contact_a',
            key: 'a@x.io',
            data: { name: 'A', email: 'A@x.io' },
            createdAt: 1767225610,
            updatedAt: 1767225610,
            lastJob: 'batch_1',
          },
        },
      },
      { collection: 'resources', op: { kind: 'patch', id: 'acme:contact_b', set: { updatedAt: 1767225610, 'data.phone': '1', lastJob: 'batch_1' } } },
    ]);
  });
});
