import { AddShortDomain, ClaimUniqueValue, ReleaseUniqueValue, RemoveShortDomain, SHARED_RESERVATIONS, ShortDomainSchema, claimId, type CommandOutcome } from '@batchyard/contracts';
import { SYSTEM_ACTOR, type Dispatch } from './tenant-admin';

/** The domain as recorded (trimmed, lower-cased); throws on one that is malformed or the shared default. */
export function shortDomainOf(domain: string): string {
  const parsed = ShortDomainSchema.safeParse(domain);
  if (!parsed.success) throw new Error(parsed.error.issues[0].message);
  return parsed.data;
}

const claim = (dispatch: Dispatch, definition: typeof ClaimUniqueValue | typeof ReleaseUniqueValue, tenant: string, domain: string) =>
  dispatch(definition, { kind: 'short-domain', value: domain, ownerId: tenant }, { tenant: SHARED_RESERVATIONS, aggregateId: claimId('short-domain', domain), actor: SYSTEM_ACTOR });

/**
 * Gives a tenant a short domain: claimed across tenants first (another tenant's domain is refused), then recorded on
 * the tenant's stream; a tenant that does not exist gives the claim back.
 */
export async function addShortDomain(dispatch: Dispatch, tenant: string, domain: string): Promise<CommandOutcome> {
  const value = shortDomainOf(domain);
  const claimed = await claim(dispatch, ClaimUniqueValue, tenant, value);
  if (claimed.status === 'rejected') return { ...claimed, error: { ...claimed.error, message: `short domain ${value} belongs to another tenant` } };
  const added = await dispatch(AddShortDomain, { domain: value }, { tenant, aggregateId: tenant, actor: SYSTEM_ACTOR });
  if (added.status === 'rejected') await claim(dispatch, ReleaseUniqueValue, tenant, value);
  return added;
}

/** Takes a short domain from its tenant, then frees it for any tenant. */
export async function removeShortDomain(dispatch: Dispatch, tenant: string, domain: string): Promise<CommandOutcome> {
  const value = shortDomainOf(domain);
  const removed = await dispatch(RemoveShortDomain, { domain: value }, { tenant, aggregateId: tenant, actor: SYSTEM_ACTOR });
  if (removed.status === 'accepted') await claim(dispatch, ReleaseUniqueValue, tenant, value);
  return removed;
}
