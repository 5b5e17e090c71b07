import { AddShortDomain, ClaimUniqueValue, ReleaseUniqueValue, RemoveShortDomain, SHARED_RESERVATIONS, ShortDomainSchema, claimId, type CommandOutcome } from '@batchyard/contracts';
import { command, type CommandSender } from '@batchyard/command-bus';
import { SYSTEM_ACTOR } from './tenant-admin';

/** The domain as recorded (trimmed, lower-cased); throws on one that is malformed or the shared default. */
export function shortDomainOf(domain: string): string {
  const parsed = ShortDomainSchema.safeParse(domain);
  if (!parsed.success) throw new Error(parsed.error.issues[0].message);
  return parsed.data;
}

const claim = (sender: CommandSender, definition: typeof ClaimUniqueValue | typeof ReleaseUniqueValue, tenant: string, domain: string) =>
  sender.send(command(definition, { kind: 'short-domain', value: domain, ownerId: tenant }, { tenant: SHARED_RESERVATIONS, aggregateId: claimId('short-domain', domain), actor: SYSTEM_ACTOR }));

/**
 * Gives a tenant a short domain: claimed across tenants first (another tenant's domain is refused), then recorded on
 * the tenant's stream; a tenant that does not exist gives the claim back.
 */
export async function addShortDomain(sender: CommandSender, tenant: string, domain: string): Promise<CommandOutcome> {
  const value = shortDomainOf(domain);
  const claimed = await claim(sender, ClaimUniqueValue, tenant, value);
  if (claimed.status === 'rejected') return { ...claimed, error: { ...claimed.error, message: `short domain ${value} belongs to another tenant` } };
  const added = await sender.send(command(AddShortDomain, { domain: value }, { tenant, aggregateId: tenant, actor: SYSTEM_ACTOR }));
  if (added.status === 'rejected') await claim(sender, ReleaseUniqueValue, tenant, value);
  return added;
}

/** Takes a short domain from its tenant, then frees it for any tenant. */
export async function removeShortDomain(sender: CommandSender, tenant: string, domain: string): Promise<CommandOutcome> {
  const value = shortDomainOf(domain);
  const removed = await sender.send(command(RemoveShortDomain, { domain: value }, { tenant, aggregateId: tenant, actor: SYSTEM_ACTOR }));
  if (removed.status === 'accepted') await claim(sender, ReleaseUniqueValue, tenant, value);
  return removed;
}
