import {
  BulkJobCancelRequested,
  BulkJobCompleted,
  BulkJobFailed,
  BulkJobQueued,
  BulkJobTimedOut,
  BulkJobValidated,
  CancelBulkJob,
  ChunkProcessed,
  CompleteBulkJob,
  EndBulkJob,
  PhaseCompleted,
  QueueBulkJob,
  RecordChunk,
  RecordPhases,
  RequestBulkJob,
  type CommandEnvelope,
} from '@batchyard/contracts';
import { DomainError } from '../command-handling/decider';
import { bulkJobDecider, type BulkJobState } from './bulk-job.decider';
import { afterCommands, commandsTo } from '../command-handling/testing';

const actor = { keyId: 'k1', name: 'ci', role: 'operator' as const };
const command = commandsTo('batch_1', actor);
const spec = {
  jobId: 'batch_1',
  resource: 'contact' as const,
  action: 'merge' as const,
  mode: 'mixed' as const,
  via: 'api' as const,
  duplicateHandling: 'ignore_all' as const,
  properties: {},
  saveUpload: false,
  saveResult: false,
};
const hash = 'a'.repeat(64);
const upload = { hash, size: 10, format: 'json' as const, rows: 3 };
const deadlineAt = new Date(60_000).toISOString();
const queue = command(QueueBulkJob, { spec, upload, deadlineAt });
const phases = command(RecordPhases, {
  phases: [
    { phase: 'parsing', total: 3, success: 3, error: 0, ignored: 0 },
    { phase: 'validation', total: 3, success: 2, error: 1, chunks: [{ hash, size: 5, rows: 2 }] },
  ],
});
const chunk = (n: number) =>
  command(RecordChunk, { phase: 'processing', chunk: n, resource: 'contact', writes: [{ op: 'create', line: 1, id: 'contact_a', fields: { name: 'A' } }], errors: [] });
const fold = (...commands: CommandEnvelope[]): BulkJobState => afterCommands(bulkJobDecider, ...commands);

describe('bulk job decider', () => {
  it('queues a job once, recording who asked', () => {
    const events = bulkJobDecider.decide(queue, bulkJobDecider.initialState());
    expect(events).toEqual([{ type: BulkJobQueued.type, data: { spec: { ...spec, createdBy: actor }, upload, deadlineAt } }]);
    expect(() => bulkJobDecider.decide(queue, fold(queue))).toThrow(DomainError);
  });

  it('takes the upload of a requested job once, and refuses an upload for a job never requested', () => {
    const request = command(RequestBulkJob, { ...spec, via: 'file', expiresAt: deadlineAt });
    const uploadOnly = command(QueueBulkJob, { upload, deadlineAt });
    expect(fold(request).status).toBe('requested');
    expect(() => bulkJobDecider.decide(uploadOnly, bulkJobDecider.initialState())).toThrow(/not found/);
    const queued = fold(request, uploadOnly);
    expect(queued).toMatchObject({ status: 'queued', upload, spec: { resource: 'contact' } });
    expect(() => bulkJobDecider.decide(uploadOnly, queued)).toThrow(/already has its upload/);
  });

  it('records each phase once and keeps the validated chunks', () => {
    const state = fold(queue, phases);
    expect(state.phases.validation).toMatchObject({ success: 2, error: 1 });
    expect(state.chunks).toHaveLength(1);
    expect(bulkJobDecider.decide(phases, fold(queue)).map((e) => e.type)).toEqual([PhaseCompleted.type, PhaseCompleted.type]);
    expect(() => bulkJobDecider.decide(phases, state)).toThrow(/recorded already/);
  });

  it('takes processing chunks in order only, once each', () => {
    const state = fold(queue, phases, chunk(0));
    expect(state).toMatchObject({ status: 'processing', chunksDone: { processing: 1, cleanup: 0 }, rowsProcessed: 1 });
    expect(() => bulkJobDecider.decide(chunk(0), state)).toThrow(/expected chunk 1/);
    expect(() => bulkJobDecider.decide(chunk(2), state)).toThrow(/expected chunk 1/);
    expect(bulkJobDecider.decide(chunk(1), state)[0].type).toBe(ChunkProcessed.type);
  });

  it('ends once: nothing is recorded after completed or timed out', () => {
    const complete = command(CompleteBulkJob, { files: {} });
    const timeOut = command(EndBulkJob, { status: BulkJobTimedOut.type, reason: 'late', unprocessed: 2, files: {} });
    expect(bulkJobDecider.decide(complete, fold(queue, phases))).toEqual([{ type: BulkJobCompleted.type, data: { files: {} } }]);
    expect(bulkJobDecider.decide(timeOut, fold(queue))).toEqual([{ type: BulkJobTimedOut.type, data: { reason: 'late', unprocessed: 2, files: {} } }]);
    for (const ended of [fold(queue, complete), fold(queue, timeOut)]) {
      for (const next of [complete, timeOut, chunk(0), phases]) expect(() => bulkJobDecider.decide(next, ended)).toThrow(DomainError);
    }
    expect(fold(queue, timeOut).status).toBe('timed_out');
  });

  it('records a cancel of a running job once, keeps taking the chunk in flight, and refuses a cancel of an ended or unknown job', () => {
    const cancel = command(CancelBulkJob, { reason: 'Cancelled by ci' });
    expect(() => bulkJobDecider.decide(cancel, bulkJobDecider.initialState())).toThrow(/not found/);
    expect(bulkJobDecider.decide(cancel, fold(queue, phases))).toEqual([{ type: BulkJobCancelRequested.type, data: { reason: 'Cancelled by ci' } }]);
    const cancelling = fold(queue, phases, cancel);
    expect(cancelling).toMatchObject({ status: 'queued', cancelReason: 'Cancelled by ci' });
    expect(bulkJobDecider.decide(cancel, cancelling)).toEqual([]);
    expect(bulkJobDecider.decide(chunk(0), cancelling)[0].type).toBe(ChunkProcessed.type);
    const failed = fold(queue, phases, cancel, command(EndBulkJob, { status: BulkJobFailed.type, reason: 'Cancelled by ci', unprocessed: 2, files: {} }));
    expect(failed.status).toBe('failed');
    expect(() => bulkJobDecider.decide(cancel, failed)).toThrow(/is failed/);
  });

  it('takes no upload for a requested job being cancelled', () => {
    const request = command(RequestBulkJob, { ...spec, via: 'file', expiresAt: deadlineAt });
    const cancelling = fold(request, command(CancelBulkJob, { reason: 'r' }));
    expect(() => bulkJobDecider.decide(command(QueueBulkJob, { upload, deadlineAt }), cancelling)).toThrow(/being cancelled/);
  });

  it('ends a dry run completed, after which nothing is recorded', () => {
    const validated = command(EndBulkJob, { status: BulkJobValidated.type, reason: 'dry run', unprocessed: 2, files: {} });
    expect(bulkJobDecider.decide(validated, fold(queue, phases))).toEqual([{ type: BulkJobValidated.type, data: { reason: 'dry run', unprocessed: 2, files: {} } }]);
    const done = fold(queue, phases, validated);
    expect(done.status).toBe('completed');
    expect(() => bulkJobDecider.decide(chunk(0), done)).toThrow(/is completed/);
  });
});
