import { CreateUnit, DeleteUnit, UnitAssignedToBatch, UnitCreated, UnitDeleted, UnitUpdated, UpdateUnit } from '@batchyard/contracts';
import { DomainError, unknownCommand, type CommandOf, type Decider, type EventOf } from '../command-handling/decider';
import { NO_RESERVATIONS, uniqueValueChange, type Reserves } from '../reservations/reservations';

export interface UnitState {
  exists: boolean;
  deleted: boolean;
  batchId: string | null;
  /** Unique per tenant ignoring case. */
  serialNumber?: string;
}

type UnitCommand = CommandOf<typeof CreateUnit> | CommandOf<typeof UpdateUnit> | CommandOf<typeof DeleteUnit>;
type UnitEvent = EventOf<typeof UnitCreated> | EventOf<typeof UnitUpdated> | EventOf<typeof UnitAssignedToBatch> | EventOf<typeof UnitDeleted>;

export const unitDecider: Decider<UnitState, UnitCommand, UnitEvent> = {
  initialState: () => ({ exists: false, deleted: false, batchId: null }),

  decide(command, state) {
    switch (command.type) {
      case CreateUnit.type: {
        if (state.exists) throw new DomainError('conflict', `unit ${command.aggregateId} already exists`);
        return [{ type: UnitCreated.type, data: { ...command.data, createdBy: command.actor } }];
      }
      case UpdateUnit.type: {
        requireLive(state, command.aggregateId);
        const { unitId, changes, batchId } = command.data;
        const events: UnitEvent[] = [];
        if (Object.keys(changes).length) events.push({ type: UnitUpdated.type, data: { unitId, changes } });
        if (batchId !== undefined && batchId !== state.batchId) {
          events.push({ type: UnitAssignedToBatch.type, data: { unitId, batchId, previousBatchId: state.batchId } });
        }
        return events;
      }
      case DeleteUnit.type: {
        requireLive(state, command.aggregateId);
        const { unitId } = command.data;
        return [{ type: UnitDeleted.type, data: { unitId, batchId: state.batchId } }];
      }
      default:
        return unknownCommand(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case UnitCreated.type:
        return { ...state, exists: true, serialNumber: event.data.serialNumber };
      case UnitUpdated.type: {
        const { serialNumber } = event.data.changes;
        return serialNumber === undefined ? state : { ...state, serialNumber };
      }
      case UnitAssignedToBatch.type:
        return { ...state, batchId: event.data.batchId };
      case UnitDeleted.type:
        return { ...state, deleted: true, batchId: null };
      default:
        return state;
    }
  },
};

/** The serial number a create takes, an update changes and a delete gives up. */
export const unitReservations: Reserves<UnitState, UnitCommand> = (command, state) => {
  const owner = command.aggregateId;
  switch (command.type) {
    case CreateUnit.type:
      return uniqueValueChange('serial-number', owner, undefined, command.data.serialNumber);
    case UpdateUnit.type: {
      const { serialNumber } = command.data.changes;
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
