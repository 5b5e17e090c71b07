import type { BulkJobFailed, BulkJobExpired, BulkJobTimedOut, BulkJobValidated } from '@batchyard/contracts';
import { isTerminal, type BulkJobState } from '../bulk-jobs/bulk-job.decider';

export type BulkJobEnding = typeof BulkJobFailed.type | typeof BulkJobTimedOut.type | typeof BulkJobExpired.type | typeof BulkJobValidated.type;

export const DRY_RUN_REASON = 'Validate only (dry run): rows were parsed and validated, no resource was written';

/** The bulk job's next step, chosen from its folded state alone; the runner does the I/O each one needs. */
export type BulkJobStep =
  | { kind: 'nothing' }
  | { kind: 'end'; status: BulkJobEnding; reason: string }
  | { kind: 'prepare' }
  | { kind: 'process-chunk'; chunk: number }
  | { kind: 'record-processing' }
  | { kind: 'cleanup-chunk' }
  | { kind: 'complete' };

export function nextBulkJobStep(state: BulkJobState, now: number): BulkJobStep {
  if (state.status === 'none' || isTerminal(state.status)) return { kind: 'nothing' };
  // Between steps: a chunk begun before the cancel is kept, nothing after it starts (docs/bulk-jobs.md, "Cancel").
  if (state.cancelReason !== undefined) return { kind: 'end', status: 'BulkJobFailed', reason: state.cancelReason };
  if (state.status === 'requested') {
    if (!state.expiresAt || now < Date.parse(state.expiresAt)) return { kind: 'nothing' };
    return { kind: 'end', status: 'BulkJobExpired', reason: 'No file was uploaded before the upload URL expired' };
  }
  if (state.deadlineAt && now >= Date.parse(state.deadlineAt)) return { kind: 'end', status: 'BulkJobTimedOut', reason: 'The batch took too long to process' };
  if (!state.phases.validation) return { kind: 'prepare' };
  if (state.spec!.validateOnly) return { kind: 'end', status: 'BulkJobValidated', reason: DRY_RUN_REASON };
  if (state.chunksDone.processing < state.chunks.length) return { kind: 'process-chunk', chunk: state.chunksDone.processing };
  if (!state.phases.processing) return { kind: 'record-processing' };
  if (state.spec!.action === 'overwrite' && !state.phases.cleanup) return { kind: 'cleanup-chunk' };
  return { kind: 'complete' };
}
