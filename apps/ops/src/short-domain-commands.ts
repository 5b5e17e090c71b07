import { Command } from 'commander';
import { DEFAULT_SHORT_DOMAIN, StreamCategory, streamName, type CommandOutcome } from '@batchyard/contracts';
import type { Infrastructure } from '@batchyard/runtime';
import { addShortDomain, removeShortDomain } from '@batchyard/tenancy';
import { foldEvents, tenantDecider } from '@batchyard/write-side';
import { adminSender } from './admin-sender';

function check(outcome: CommandOutcome): void {
  if (outcome.status === 'rejected') throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
}

/** `tenants domains …`: a tenant's own short domains, besides the shared default every tenant has. */
export function shortDomainCommands(infra: Infrastructure): Command {
  const domains = new Command('domains').description(`a tenant's own short domains (${DEFAULT_SHORT_DOMAIN} is every tenant's default)`);
  domains
    .command('add <tenant> <domain>')
    .description('give the tenant a short domain; one another tenant has is refused')
    .action(async (tenant: string, domain: string) => {
      check(await addShortDomain(await adminSender(infra), tenant, domain));
      console.log(`short domain ${domain.trim().toLowerCase()} added to tenant ${tenant}`);
    });
  domains
    .command('remove <tenant> <domain>')
    .description('take a short domain from the tenant (its redirections keep answering); any tenant may then add it')
    .action(async (tenant: string, domain: string) => {
      check(await removeShortDomain(await adminSender(infra), tenant, domain));
      console.log(`short domain ${domain.trim().toLowerCase()} removed from tenant ${tenant}`);
    });
  domains
    .command('list <tenant>')
    .description("the tenant's short domains, the default first (from its stream, so current whether or not the services run)")
    .action(async (tenant: string) => {
      const history = await (await infra.events()).readStream(streamName(StreamCategory.tenant, tenant, tenant));
      const { domains } = foldEvents(tenantDecider, history);
      for (const domain of [DEFAULT_SHORT_DOMAIN, ...[...domains].sort()]) console.log(domain);
    });
  return domains;
}
