import {
  AcquireBulkLock,
  ClaimUniqueValue,
  ReleaseBulkLock,
  ReleaseUniqueValue,
  ReturnQuota,
  SHARED_RESERVATIONS,
  TakeQuota,
  bulkLockId,
  claimId,
  quotaId,
  type CommandDefinition,
  type CommandEnvelope,
  type QuotaKind,
  type ResourceType,
  type UniqueValueKind,
} from '@batchyard/contracts';

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

/** The tenant limits the write side holds work to (docs/operations.md, "Limits"); 0 or absent: no limit. */
export type QuotaLimits = Readonly<Partial<Record<QuotaKind, number>>>;

/** What a route's reservations may depend on besides the command and the state: the installation's configuration. */
export interface ReserveContext {
  limits: QuotaLimits;
}

export const NO_LIMITS: ReserveContext = { limits: {} };

/** A route's reservations, from the command and its aggregate's state before the write. */
export type Reserves<State, Command extends { type: string } = CommandEnvelope> = (command: Command, state: State, context: ReserveContext) => Reservations;

export const NO_RESERVATIONS: Reservations = { take: [], release: [] };

/** All of them, in order: takes in the order given, releases too. */
export const allOf = (...parts: readonly Reservations[]): Reservations => ({ take: parts.flatMap((p) => p.take), release: parts.flatMap((p) => p.release) });

const returnQuota = (kind: QuotaKind, holder: string): ReservationStep => ({ definition: ReturnQuota, aggregateId: quotaId(kind), data: { kind, holder } });

/**
 * `holder` takes `amount` of the tenant's `kind` before the write (a take past the limit rejects the command, with
 * nothing written); a rejected write gives it back. Nothing is taken where the kind has no limit.
 */
export function quotaShare({ limits }: ReserveContext, kind: QuotaKind, holder: string, amount: number): Reservations {
  const limit = limits[kind] ?? 0;
  if (!limit) return NO_RESERVATIONS;
  return { take: [{ step: { definition: TakeQuota, aggregateId: quotaId(kind), data: { kind, holder, amount, limit } }, undo: returnQuota(kind, holder) }], release: [] };
}

/** `holder` gives its share of `kind` back once the write is done (returning what is not held changes nothing). */
export const quotaReturn = (kind: QuotaKind, holder: string): Reservations => ({ take: [], release: [returnQuota(kind, holder)] });

/**
 * A bulk job takes its resource type's lock until `heldUntil` (taken again by the same job, the lock moves to the
 * later time): another overwrite or delete of the type is rejected meanwhile. A rejected write gives it back.
 */
export function bulkLock(resource: ResourceType, jobId: string, heldUntil: string): Reservations {
  const aggregateId = bulkLockId(resource);
  return {
    take: [
      { step: { definition: AcquireBulkLock, aggregateId, data: { resource, jobId, heldUntil } }, undo: { definition: ReleaseBulkLock, aggregateId, data: { resource, jobId } } },
    ],
    release: [],
  };
}

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
