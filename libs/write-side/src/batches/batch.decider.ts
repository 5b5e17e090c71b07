import { BatchCreated, BatchDeleted, BatchUpdated, CreateBatch, DeleteBatch, UpdateBatch } from '@batchyard/contracts';
import { DomainError, unknownCommand, type CommandOf, type Decider, type EventOf } from '../command-handling/decider';
import { NO_RESERVATIONS, uniqueValueChange, type Reserves } from '../reservations/reservations';

export interface BatchState {
  exists: boolean;
  deleted: boolean;
  /** `identifiers.number`, unique per tenant (a TofuPilot batch's number). */
  number?: string;
}

type BatchCommand = CommandOf<typeof CreateBatch> | CommandOf<typeof UpdateBatch> | CommandOf<typeof DeleteBatch>;
type BatchEvent = EventOf<typeof BatchCreated> | EventOf<typeof BatchUpdated> | EventOf<typeof BatchDeleted>;

export const batchDecider: Decider<BatchState, BatchCommand, BatchEvent> = {
  initialState: () => ({ exists: false, deleted: false }),

  decide(command, state) {
    switch (command.type) {
      case CreateBatch.type: {
        if (state.exists) throw new DomainError('conflict', `batch ${command.aggregateId} already exists`);
        return [{ type: BatchCreated.type, data: { ...command.data, createdBy: command.actor } }];
      }
      case UpdateBatch.type: {
        requireLive(state, command.aggregateId);
        // An empty change still answers with the batch, but records nothing.
        return Object.keys(command.data.changes).length ? [{ type: BatchUpdated.type, data: command.data }] : [];
      }
      case DeleteBatch.type: {
        requireLive(state, command.aggregateId);
        return [{ type: BatchDeleted.type, data: command.data }];
      }
      default:
        return unknownCommand(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case BatchCreated.type:
        return { ...state, exists: true, number: event.data.identifiers?.number };
      case BatchUpdated.type: {
        const { identifiers } = event.data.changes;
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
export const batchReservations: Reserves<BatchState, BatchCommand> = (command, state) => {
  const owner = command.aggregateId;
  switch (command.type) {
    case CreateBatch.type:
      return uniqueValueChange('batch-number', owner, undefined, command.data.identifiers?.number);
    case UpdateBatch.type: {
      const { identifiers } = command.data.changes;
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
