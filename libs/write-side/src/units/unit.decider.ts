import { CreateUnit, DeleteUnit, UnitAssignedToBatch, UnitCreated, UnitDeleted, UnitUpdated, UpdateUnit, type CommandData, type EventData } from '@batchyard/contracts';
import { DomainError, type Decider, type DomainEvent } from '../command-handling/decider';
import { NO_RESERVATIONS, uniqueValueChange, type Reserves } from '../reservations/reservations';

export interface UnitState {
  exists: boolean;
  deleted: boolean;
  batchId: string | null;
  /** Unique per tenant ignoring case. */
  serialNumber?: string;
}

export const unitDecider: Decider<UnitState> = {
  initialState: () => ({ exists: false, deleted: false, batchId: null }),

  decide(command, state) {
    switch (command.type) {
      case CreateUnit.type: {
        if (state.exists) throw new DomainError('conflict', `unit ${command.aggregateId} already exists`);
        const data = command.data as CommandData<typeof CreateUnit>;
        return [{ type: UnitCreated.type, data: { ...data, createdBy: command.actor } }];
      }
      case UpdateUnit.type: {
        requireLive(state, command.aggregateId);
        const { unitId, changes, batchId } = command.data as CommandData<typeof UpdateUnit>;
        const events: DomainEvent[] = [];
        if (Object.keys(changes).length) events.push({ type: UnitUpdated.type, data: { unitId, changes } });
        if (batchId !== undefined && batchId !== state.batchId) {
          events.push({ type: UnitAssignedToBatch.type, data: { unitId, batchId, previousBatchId: state.batchId } });
        }
        return events;
      }
      case DeleteUnit.type: {
        requireLive(state, command.aggregateId);
        const { unitId } = command.data as CommandData<typeof DeleteUnit>;
        return [{ type: UnitDeleted.type, data: { unitId, batchId: state.batchId } }];
      }
      default:
        throw new DomainError('invalid', `unknown command ${command.type}`);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case UnitCreated.type:
        return { ...state, exists: true, serialNumber: (event.data as EventData<typeof UnitCreated>).serialNumber };
      case UnitUpdated.type: {
        const { serialNumber } = (event.data as EventData<typeof UnitUpdated>).changes;
        return serialNumber === undefined ? state : { ...state, serialNumber };
      }
      case UnitAssignedToBatch.type:
        return { ...state, batchId: (event.data as EventData<typeof UnitAssignedToBatch>).batchId };
      case UnitDeleted.type:
        return { ...state, deleted: true, batchId: null };
      default:
        return state;
    }
  },
};

/** The serial number a create takes, an update changes and a delete gives up. */
export const unitReservations: Reserves<UnitState> = (command, state) => {
  const owner = command.aggregateId;
  switch (command.type) {
    case CreateUnit.type:
      return uniqueValueChange('serial-number', owner, undefined, (command.data as CommandData<typeof CreateUnit>).serialNumber);
    case UpdateUnit.type: {
      const { serialNumber } = (command.data as CommandData<typeof UpdateUnit>).changes;
      return uniqueValueChange('serial-number', owner, state.serialNumber, serialNumber ?? state.serialNumber);
    }
    case DeleteUnit.type:
      return uniqueValueChange('serial-number', owner, state.serialNumber, undefined);
    default:
      return NO_RESERVATIONS;
  }
};

function requireLive(state: UnitState, unitId: string): void {
  if (!state.exists || state.deleted) throw new DomainError('not_found', `Unit ${unitId} not found`);
}
