import { BatchCreated, BatchDeleted, BatchUpdated, CreateBatch, DeleteBatch, UpdateBatch, type CommandData } from '@batchyard/contracts';
import { DomainError, type Decider } from '../command-handling/decider';

export interface BatchState {
  exists: boolean;
  deleted: boolean;
}

export const batchDecider: Decider<BatchState> = {
  initialState: () => ({ exists: false, deleted: false }),

  decide(command, state) {
    switch (command.type) {
      case CreateBatch.type: {
        if (state.exists) throw new DomainError('conflict', `batch ${command.aggregateId} already exists`);
        const data = command.data as CommandData<typeof CreateBatch>;
        return [{ type: BatchCreated.type, data: { ...data, createdBy: command.actor } }];
      }
      case UpdateBatch.type: {
        requireLive(state, command.aggregateId);
        const data = command.data as CommandData<typeof UpdateBatch>;
        // An empty change still answers with the batch, but records nothing.
        return Object.keys(data.changes).length ? [{ type: BatchUpdated.type, data }] : [];
      }
      case DeleteBatch.type: {
        requireLive(state, command.aggregateId);
        return [{ type: BatchDeleted.type, data: command.data as CommandData<typeof DeleteBatch> }];
      }
      default:
        throw new DomainError('invalid', `unknown command ${command.type}`);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case BatchCreated.type:
        return { ...state, exists: true };
      case BatchDeleted.type:
        return { ...state, deleted: true };
      default:
        return state;
    }
  },
};

function requireLive(state: BatchState, batchId: string): void {
  if (!state.exists || state.deleted) throw new DomainError('not_found', `Batch ${batchId} not found`);
}
