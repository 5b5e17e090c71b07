import type { ReadStore } from '@batchyard/read-store';
import type { BulkJobDoc } from '@batchyard/read-models';
import type { JobRunner } from './job-runner';

const SWEEP_MS = 1_000;

/**
 * Ends jobs that no event will move any more: a requested job past its upload expiry, or a job stuck past
 * its deadline (its processor gone, or a step failing). The runner decides; this only finds candidates.
 */
export function startDeadlineSweeper(readStore: ReadStore, runner: JobRunner, onError: (error: unknown) => void) {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      const now = Math.floor(Date.now() / 1000);
      const jobs = readStore.collection<BulkJobDoc>('bulk_jobs');
      const due = [
        ...(await jobs.find({ status: 'requested', expiresAt: { $lte: now } }, { limit: 100 })),
        ...(await jobs.find({ status: { $in: ['queued', 'processing'] }, deadlineAt: { $lte: now } }, { limit: 100 })),
      ];
      for (const job of due) await runner.advance({ tenant: job.tenant, jobId: job.jobId });
    } catch (error) {
      onError(error);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sweep(), SWEEP_MS);
  return { stop: () => clearInterval(timer) };
}
