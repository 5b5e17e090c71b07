import { AcquireBulkLock, ReleaseBulkLock, bulkLockId, uuidFrom, type BulkJobSpec } from '@batchyard/contracts';
import type { Caller } from '../auth/caller';
import type { CommandGateway } from '../commands/command-gateway';
import { ApiError } from '../http/api-error';

/** A lock outlives its job's own bound by this much: a step the processor began before the deadline may append after it. */
const LEASE_GRACE_MS = 5 * 60_000;

/**
 * One overwrite or delete job per resource type and tenant at a time: the job takes its type's lock (an
 * expected-revision append on the lock's stream) before it is queued, so of two requested at once one is 409
 * and nothing of it is queued; the bulk processor releases the lock as the job ends. Under an Idempotency-Key
 * the acquire's command id derives from the request's, so a retry after a crash finds its own lock and goes on.
 */
export class BulkJobLocks {
  constructor(private readonly commands: CommandGateway) {}

  /** Runs `queue` (the command that creates the job) holding the lock; `endsByMs`: when the job ends at the latest. */
  async queueHolding<T>(
    caller: Caller,
    spec: Pick<BulkJobSpec, 'jobId' | 'resource' | 'action'>,
    endsByMs: number,
    requestCommandId: string | undefined,
    queue: () => Promise<T>,
  ): Promise<T> {
    if (spec.action === 'merge') return queue();
    const lock = { resource: spec.resource, jobId: spec.jobId };
    // Nothing reads the lock, so there is no read model to wait for.
    const target = { caller, aggregateId: bulkLockId(spec.resource), readModel: [] };
    const heldUntil = new Date(endsByMs + LEASE_GRACE_MS).toISOString();
    await this.commands.execute(AcquireBulkLock, { ...lock, heldUntil }, { ...target, commandId: requestCommandId && uuidFrom(`${requestCommandId}:lock`) });
    try {
      return await queue();
    } catch (error) {
      // A refused job never runs, so its lock goes back now; after any other failure the job may exist, and ends it.
      if (error instanceof ApiError && error.status < 500) await this.commands.execute(ReleaseBulkLock, lock, target);
      throw error;
    }
  }
}
