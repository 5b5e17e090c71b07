import { BatchCreated, CreateBatch, type CommandData } from '@batchyard/contracts';
import { DomainError, type Decider } from '../command-handling/decider';

export interface BatchState {
  exists: boolean;
}

export const batchDecider: Decider<BatchState> = {
  initialState: () => ({ exists: false }),

  decide(command, state) {
    switch (command.type) {
      case CreateBatch.type: {
        if (state.exists) throw new DomainError('conflict', `batch ${command.aggregateId} already exists`);
        const data = command.data as CommandData<typeof CreateBatch>;
        return [{ type: BatchCreated.type, data: { ...data, createdBy: command.actor } }];
      }
      default:
        throw new DomainError('invalid', `unknown command ${command.type}`);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case BatchCreated.type:
        return { ...state, exists: true };
      default:
        return state;
    }
  },
};
