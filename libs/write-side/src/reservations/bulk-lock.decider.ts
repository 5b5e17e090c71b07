import { AcquireBulkLock, BulkLockAcquired, BulkLockReleased, ReleaseBulkLock, type EventData } from '@batchyard/contracts';
import { DomainError, unknownCommand, type CommandOf, type Decider, type EventOf } from '../command-handling/decider';

/** Which overwrite or delete job holds a resource type of a tenant (one stream per type), and until when at most. */
export interface BulkLockState {
  holder?: EventData<typeof BulkLockAcquired>;
}

type BulkLockCommand = CommandOf<typeof AcquireBulkLock> | CommandOf<typeof ReleaseBulkLock>;
type BulkLockEvent = EventOf<typeof BulkLockAcquired> | EventOf<typeof BulkLockReleased>;

export const bulkLockDecider: Decider<BulkLockState, BulkLockCommand, BulkLockEvent> = {
  initialState: () => ({}),

  decide(command, { holder }) {
    switch (command.type) {
      case AcquireBulkLock.type: {
        const acquire = command.data;
        if (holder?.jobId === acquire.jobId) {
          // A retry holds no longer; the same job taking it again later (its upload came) moves its end out.
          return Date.parse(acquire.heldUntil) > Date.parse(holder.heldUntil) ? [{ type: BulkLockAcquired.type, data: acquire }] : [];
        }
        // Past `heldUntil` the holder's job has ended or never started; a lock is never held for ever.
        if (holder && Date.parse(command.issuedAt) < Date.parse(holder.heldUntil)) {
          throw new DomainError('conflict', `batch ${holder.jobId} (${holder.resource}) is still running: one overwrite or delete per resource at a time`);
        }
        return [{ type: BulkLockAcquired.type, data: acquire }];
      }
      case ReleaseBulkLock.type: {
        const release = command.data;
        return holder?.jobId === release.jobId ? [{ type: BulkLockReleased.type, data: release }] : [];
      }
      default:
        return unknownCommand(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case BulkLockAcquired.type:
        return { holder: event.data };
      case BulkLockReleased.type:
        return {};
      default:
        return state;
    }
  },
};
