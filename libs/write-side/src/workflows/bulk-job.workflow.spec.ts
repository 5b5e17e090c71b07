import { bulkJobDecider, type BulkJobState } from '../bulk-jobs/bulk-job.decider';
import { DRY_RUN_REASON, nextBulkJobStep } from './bulk-job.workflow';

const now = Date.parse('2026-01-01T00:00:00Z');
const spec = { resource: 'asset', action: 'overwrite' } as BulkJobState['spec'];
const given = (s: Partial<BulkJobState>): BulkJobState => ({ ...bulkJobDecider.initialState(), ...s });
const phase = { total: 1, success: 1, error: 0 } as never;

describe('nextBulkJobStep', () => {
  it('does nothing for an unknown or ended job, or one still waiting for its upload', () => {
    expect(nextBulkJobStep(given({}), now).kind).toBe('nothing');
    expect(nextBulkJobStep(given({ status: 'completed' }), now).kind).toBe('nothing');
    expect(nextBulkJobStep(given({ status: 'requested', expiresAt: '2026-01-02T00:00:00Z' }), now).kind).toBe('nothing');
  });
  it('expires a job whose upload URL expired, and times out one past its deadline', () => {
    expect(nextBulkJobStep(given({ status: 'requested', expiresAt: '2025-12-31T00:00:00Z' }), now)).toMatchObject({ kind: 'end', status: 'BulkJobExpired' });
    expect(nextBulkJobStep(given({ status: 'queued', spec, deadlineAt: '2025-12-31T00:00:00Z' } as never), now)).toMatchObject({ kind: 'end', status: 'BulkJobTimedOut' });
  });
  it('prepares, processes each chunk in order, records processing, cleans up an overwrite, then completes', () => {
    const running = { status: 'queued', spec } as never as Partial<BulkJobState>;
    expect(nextBulkJobStep(given(running), now)).toEqual({ kind: 'prepare' });
    const chunks = [{}, {}] as BulkJobState['chunks'];
    const validated = { ...running, chunks, phases: { validation: phase } };
    expect(nextBulkJobStep(given({ ...validated, chunksDone: { processing: 1, cleanup: 0 } }), now)).toEqual({ kind: 'process-chunk', chunk: 1 });
    expect(nextBulkJobStep(given({ ...validated, chunksDone: { processing: 2, cleanup: 0 } }), now)).toEqual({ kind: 'record-processing' });
    const processed = { ...validated, chunksDone: { processing: 2, cleanup: 0 }, phases: { validation: phase, processing: phase } };
    expect(nextBulkJobStep(given(processed), now)).toEqual({ kind: 'cleanup-chunk' });
    expect(nextBulkJobStep(given({ ...processed, spec: { ...spec!, action: 'merge' } }), now)).toEqual({ kind: 'complete' });
  });
  it('ends a job being cancelled as failed with its reason, whatever step it stands at', () => {
    const end = { kind: 'end', status: 'BulkJobFailed', reason: 'Cancelled' };
    expect(nextBulkJobStep(given({ status: 'requested', cancelReason: 'Cancelled', expiresAt: '2026-01-02T00:00:00Z' }), now)).toEqual(end);
    expect(nextBulkJobStep(given({ status: 'queued', spec, cancelReason: 'Cancelled' } as never), now)).toEqual(end);
    const midway = { status: 'processing', spec, cancelReason: 'Cancelled', chunks: [{}, {}], chunksDone: { processing: 1, cleanup: 0 }, phases: { validation: phase } };
    expect(nextBulkJobStep(given(midway as never), now)).toEqual(end);
  });
  it('ends a validate-only job once validated, without processing: BulkJobValidated with the dry-run reason', () => {
    const dryRun = { status: 'queued', spec: { ...spec!, validateOnly: true } } as never as Partial<BulkJobState>;
    expect(nextBulkJobStep(given(dryRun), now)).toEqual({ kind: 'prepare' });
    expect(nextBulkJobStep(given({ ...dryRun, phases: { validation: phase } }), now)).toEqual({ kind: 'end', status: 'BulkJobValidated', reason: DRY_RUN_REASON });
  });
});
