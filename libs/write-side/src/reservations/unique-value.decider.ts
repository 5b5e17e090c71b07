import { ClaimUniqueValue, ReleaseUniqueValue, UniqueValueClaimed, UniqueValueReleased, type CommandData } from '@batchyard/contracts';
import { DomainError, type Decider } from '../command-handling/decider';

/** Who holds a batch number or serial number (one stream per value, lower-cased). */
export interface ClaimState {
  ownerId?: string;
}

type Claim = CommandData<typeof ClaimUniqueValue>;
const taken = {
  'batch-number': (value: string) => `Batch number ${value} already exists`,
  'serial-number': (value: string) => `Unit with serial number ${value} already exists`,
  'short-domain': (value: string) => `short domain ${value} belongs to another tenant`,
} as const;

export const uniqueValueDecider: Decider<ClaimState> = {
  initialState: () => ({}),

  decide(command, state) {
    const claim = command.data as Claim;
    switch (command.type) {
      case ClaimUniqueValue.type:
        if (state.ownerId === claim.ownerId) return []; // a retry of the same claim
        if (state.ownerId) throw new DomainError('conflict', taken[claim.kind](claim.value));
        return [{ type: UniqueValueClaimed.type, data: claim }];
      case ReleaseUniqueValue.type:
        return state.ownerId === claim.ownerId ? [{ type: UniqueValueReleased.type, data: claim }] : [];
      default:
        throw new DomainError('invalid', `unknown command ${command.type}`);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case UniqueValueClaimed.type:
        return { ownerId: (event.data as Claim).ownerId };
      case UniqueValueReleased.type:
        return {};
      default:
        return state;
    }
  },
};
