import { ClaimUniqueValue, ReleaseUniqueValue, SHARED_RESERVATIONS, claimId, type CommandDefinition, type CommandEnvelope, type UniqueValueKind } from '@batchyard/contracts';

/** A command on another aggregate's stream (a unique value, a lock) that a write depends on. */
export interface ReservationStep {
  definition: CommandDefinition;
  aggregateId: string;
  /** The tenant of its stream when not the command's own (short domains are unique across tenants). */
  tenant?: string;
  data: unknown;
}

/**
 * What a write holds beyond its own stream: each of `take` before the write (with the step that gives it back if
 * the write is rejected), each of `release` after it. The command handler runs them as one decision of the write's
 * command, so no client ever claims or releases anything and a redelivered command finishes what a crash cut short.
 */
export interface Reservations {
  take: { step: ReservationStep; undo: ReservationStep }[];
  release: ReservationStep[];
}

/** A route's reservations, from the command and its aggregate's state before the write. */
export type Reserves<State, Command extends { type: string } = CommandEnvelope> = (command: Command, state: State) => Reservations;

export const NO_RESERVATIONS: Reservations = { take: [], release: [] };

const uniqueValue = (definition: typeof ClaimUniqueValue | typeof ReleaseUniqueValue, kind: UniqueValueKind, value: string, ownerId: string): ReservationStep => ({
  definition,
  aggregateId: claimId(kind, value),
  ...(kind === 'short-domain' && { tenant: SHARED_RESERVATIONS }),
  data: { kind, value, ownerId },
});

/**
 * An owner's unique value going from `before` to `after` (either absent): the new one is claimed before the write
 * (a clash rejects the command), the old one released after it unless only its case changed (values are unique
 * ignoring case, so it is the same claim).
 */
export function uniqueValueChange(kind: UniqueValueKind, ownerId: string, before: string | undefined, after: string | undefined): Reservations {
  return {
    take: after && after !== before ? [{ step: uniqueValue(ClaimUniqueValue, kind, after, ownerId), undo: uniqueValue(ReleaseUniqueValue, kind, after, ownerId) }] : [],
    release: before && before.toLowerCase() !== after?.toLowerCase() ? [uniqueValue(ReleaseUniqueValue, kind, before, ownerId)] : [],
  };
}
