import { CreateUnit, DeleteUnit, UnitAssignedToBatch, UnitCreated, UnitDeleted, UnitUpdated, UpdateUnit, type CommandData, type EventData } from '@batchyard/contracts';
import { DomainError, type Decider, type DomainEvent } from '../command-handling/decider';

export interface UnitState {
  exists: boolean;
  deleted: boolean;
  batchId: string | null;
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
        return { ...state, exists: true };
      case UnitAssignedToBatch.type:
        return { ...state, batchId: (event.data as EventData<typeof UnitAssignedToBatch>).batchId };
      case UnitDeleted.type:
        return { ...state, deleted: true, batchId: null };
      default:
        return state;
    }
  },
};

function requireLive(state: UnitState, unitId: string): void {
  if (!state.exists || state.deleted) throw new DomainError('not_found', `Unit ${unitId} not found`);
}
