import { ClaimUniqueValue, ReleaseUniqueValue, UniqueValueClaimed, UniqueValueReleased } from '@batchyard/contracts';
import { DomainError, unknownCommand, type CommandOf, type Decider, type EventOf } from '../command-handling/decider';

/** Who holds a batch number or serial number (one stream per value, lower-cased). */
export interface ClaimState {
  ownerId?: string;
}

const taken = {
  'batch-number': (value: string) => `Batch number ${value} already exists`,
  'serial-number': (value: string) => `Unit with serial number ${value} already exists`,
  'short-domain': (value: string) => `short domain ${value} belongs to another tenant`,
} as const;

type ClaimCommand = CommandOf<typeof ClaimUniqueValue> | CommandOf<typeof ReleaseUniqueValue>;
type ClaimEvent = EventOf<typeof UniqueValueClaimed> | EventOf<typeof UniqueValueReleased>;

export const uniqueValueDecider: Decider<ClaimState, ClaimCommand, ClaimEvent> = {
  initialState: () => ({}),

  decide(command, state) {
    switch (command.type) {
      case ClaimUniqueValue.type:
        if (state.ownerId === command.data.ownerId) return []; // a retry of the same claim
        if (state.ownerId) throw new DomainError('conflict', taken[command.data.kind](command.data.value));
        return [{ type: UniqueValueClaimed.type, data: command.data }];
      case ReleaseUniqueValue.type:
        return state.ownerId === command.data.ownerId ? [{ type: UniqueValueReleased.type, data: command.data }] : [];
      default:
        return unknownCommand(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case UniqueValueClaimed.type:
        return { ownerId: event.data.ownerId };
      case UniqueValueReleased.type:
        return {};
      default:
        return state;
    }
  },
};
