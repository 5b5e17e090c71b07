import { BatchCreated, BatchDeleted, BatchUpdated, CreateBatch, DeleteBatch, UpdateBatch, type CommandData, type EventData } from '@batchyard/contracts';
import { DomainError, type Decider } from '../command-handling/decider';
import { NO_RESERVATIONS, uniqueValueChange, type Reserves } from '../reservations/reservations';

export interface BatchState {
  exists: boolean;
  deleted: boolean;
  /** `identifiers.number`, unique per tenant (a TofuPilot batch's number). */
  number?: string;
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
        return { ...state, exists: true, number: (event.data as EventData<typeof BatchCreated>).identifiers?.number };
      case BatchUpdated.type: {
        const { identifiers } = (event.data as EventData<typeof BatchUpdated>).changes;
        return identifiers ? { ...state, number: identifiers.number } : state;
      }
      case BatchDeleted.type:
        return { ...state, deleted: true };
      default:
        return state;
    }
  },
};

/** The batch number a create takes, an update changes (identifiers given replace the old ones whole) and a delete gives up. */
export const batchReservations: Reserves<BatchState> = (command, state) => {
  const owner = command.aggregateId;
  switch (command.type) {
    case CreateBatch.type:
      return uniqueValueChange('batch-number', owner, undefined, (command.data as CommandData<typeof CreateBatch>).identifiers?.number);
    case UpdateBatch.type: {
      const { identifiers } = (command.data as CommandData<typeof UpdateBatch>).changes;
      return uniqueValueChange('batch-number', owner, state.number, identifiers ? identifiers.number : state.number);
    }
    case DeleteBatch.type:
      return uniqueValueChange('batch-number', owner, state.number, undefined);
    default:
      return NO_RESERVATIONS;
  }
};

function requireLive(state: BatchState, batchId: string): void {
  if (!state.exists || state.deleted) throw new DomainError('not_found', `Batch ${batchId} not found`);
}
