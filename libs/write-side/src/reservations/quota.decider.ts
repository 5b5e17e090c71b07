import { QuotaReturned, QuotaTaken, ReturnQuota, TakeQuota, type QuotaKind } from '@batchyard/contracts';
import { DomainError, unknownCommand, type CommandOf, type Decider, type EventOf } from '../command-handling/decider';

/** What holds a tenant's quota of one kind, and how much in all. */
export interface QuotaState {
  holders: ReadonlyMap<string, number>;
  used: number;
}

/**
 * A tenant's use of one limited kind (tasks, bulk jobs, stored bytes). Taking again with the same amount is a
 * retry and changes nothing; taking again with another replaces the holder's amount (a file uploaded anew); only
 * a take that grows the use past the limit is refused. A limit lowered below the use refuses growth, never
 * what is held.
 */
/** What the client is told: a place frees when work ends (retry later); bytes only when files are deleted. */
function refusal(kind: QuotaKind, limit: number, used: number, more: number): DomainError {
  switch (kind) {
    case 'tasks':
      return new DomainError('limited', `This account already has ${limit} tasks queued or running, its limit; retry when one has ended`);
    case 'bulk-jobs':
      return new DomainError('limited', `This account already has ${limit} batches queued or processing, its limit; retry when one has ended`);
    case 'stored-bytes':
      return new DomainError('too_large', `This account may store ${limit} bytes of files and uploads; ${used} are stored, and ${more} more do not fit`);
  }
}

type QuotaCommand = CommandOf<typeof TakeQuota> | CommandOf<typeof ReturnQuota>;
type QuotaEvent = EventOf<typeof QuotaTaken> | EventOf<typeof QuotaReturned>;

export const quotaDecider: Decider<QuotaState, QuotaCommand, QuotaEvent> = {
  initialState: () => ({ holders: new Map(), used: 0 }),

  decide(command, { holders, used }) {
    switch (command.type) {
      case TakeQuota.type: {
        const { kind, holder, amount, limit } = command.data;
        const held = holders.get(holder);
        if (held === amount) return [];
        const after = used - (held ?? 0) + amount;
        if (amount > (held ?? 0) && after > limit) throw refusal(kind, limit, used, amount - (held ?? 0));
        return [{ type: QuotaTaken.type, data: { kind, holder, amount, used: after } }];
      }
      case ReturnQuota.type: {
        const { kind, holder } = command.data;
        const held = holders.get(holder);
        if (held === undefined) return [];
        return [{ type: QuotaReturned.type, data: { kind, holder, amount: held, used: used - held } }];
      }
      default:
        return unknownCommand(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case QuotaTaken.type: {
        const { holder, amount, used } = event.data;
        return { holders: new Map(state.holders).set(holder, amount), used };
      }
      case QuotaReturned.type: {
        const { holder, used } = event.data;
        const holders = new Map(state.holders);
        holders.delete(holder);
        return { holders, used };
      }
      default:
        return state;
    }
  },
};
