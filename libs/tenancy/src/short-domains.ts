import { AddShortDomain, RemoveShortDomain, ShortDomainSchema, type CommandOutcome } from '@batchyard/contracts';
import { command, type CommandSender } from '@batchyard/command-bus';
import { SYSTEM_ACTOR } from './tenant-admin';

/** The domain as recorded (trimmed, lower-cased); throws on one that is malformed or the shared default. */
export function shortDomainOf(domain: string): string {
  const parsed = ShortDomainSchema.safeParse(domain);
  if (!parsed.success) throw new Error(parsed.error.issues[0].message);
  return parsed.data;
}

/**
 * Gives a tenant a short domain. The batch service claims it across tenants as it records it (another tenant's
 * domain is refused; a tenant that does not exist gives the claim back).
 */
export async function addShortDomain(sender: CommandSender, tenant: string, domain: string): Promise<CommandOutcome> {
  return sender.send(command(AddShortDomain, { domain: shortDomainOf(domain) }, { tenant, aggregateId: tenant, actor: SYSTEM_ACTOR }));
}

/** Takes a short domain from its tenant; the batch service frees it for any tenant. */
export async function removeShortDomain(sender: CommandSender, tenant: string, domain: string): Promise<CommandOutcome> {
  return sender.send(command(RemoveShortDomain, { domain: shortDomainOf(domain) }, { tenant, aggregateId: tenant, actor: SYSTEM_ACTOR }));
}
