#!/usr/bin/env node
// `npm run ops -- <command>`: administration of a Batchyard installation, embedded (BATCHYARD_DATA_DIR)
// or distributed (EVENTSTORE_URL, MONGO_URL), whether or not the services are running.
import { Command, InvalidArgumentError } from 'commander';
import { RoleSchema, type CommandOutcome } from '@batchyard/contracts';
import type { ApiKeyDoc, TenantDoc } from '@batchyard/read-models';
import { Infrastructure, loadConfig } from '@batchyard/runtime';
import { createApiKey, createTenant, revokeApiKey } from '@batchyard/tenancy';
import { adminSender } from './admin-sender';
import { deadLetterCommands } from './dead-letter-commands';
import { parkedCommands } from './parked-commands';
import { projectionCommands } from './projection-commands';
import { readStoreCommands } from './read-store-commands';
import { shortDomainCommands } from './short-domain-commands';
import { webhookCommands } from './webhook-commands';

const infra = new Infrastructure({ ...loadConfig(), logLevel: process.env.LOG_LEVEL || 'warn' });

function check(outcome: CommandOutcome): void {
  if (outcome.status === 'rejected') throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
}

const role = (value: string) => {
  const parsed = RoleSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError('must be operator, user or station');
  return parsed.data;
};

const program = new Command('batchyard-ops').description('Batchyard operations').showHelpAfterError();

const tenants = program.command('tenants').description('tenants');
tenants
  .command('create <id>')
  .description('create a tenant (id: lower-case letters, digits, dashes)')
  .option('--name <name>', 'display name')
  .action(async (id: string, opts: { name?: string }) => {
    check(await createTenant(await adminSender(infra), id, opts.name ?? id));
    console.log(`tenant ${id} created`);
  });
tenants
  .command('list')
  .description('list tenants')
  .action(async () => {
    for (const t of await (await infra.readStore()).collection<TenantDoc>('tenants').find({}, { sort: [['createdAt', 1]] })) {
      console.log(`${t._id}\t${t.name}\t${t.createdAt}`);
    }
  });
tenants.addCommand(shortDomainCommands(infra));

const keys = program.command('keys').description('API keys');
keys
  .command('create')
  .description('issue an API key; the key is printed once')
  .requiredOption('--tenant <id>', 'tenant')
  .requiredOption('--role <role>', 'operator | user | station', role)
  .option('--name <name>', 'a name for the key', 'ops')
  .action(async (opts: { tenant: string; role: 'operator' | 'user' | 'station'; name: string }) => {
    const issued = await createApiKey(await adminSender(infra), { tenant: opts.tenant, name: opts.name, role: opts.role });
    check(issued.outcome);
    console.log(JSON.stringify({ keyId: issued.keyId, tenant: opts.tenant, role: opts.role, key: issued.key }));
  });
keys
  .command('revoke <keyId>')
  .description('revoke an API key')
  .requiredOption('--tenant <id>', 'tenant')
  .action(async (keyId: string, opts: { tenant: string }) => {
    check(await revokeApiKey(await adminSender(infra), opts.tenant, keyId));
    console.log(`key ${keyId} revoked`);
  });
keys
  .command('list')
  .description('list the keys of a tenant')
  .requiredOption('--tenant <id>', 'tenant')
  .action(async (opts: { tenant: string }) => {
    for (const k of await (await infra.readStore()).collection<ApiKeyDoc>('api_keys').find({ tenant: opts.tenant })) {
      console.log(`${k.keyId}\t${k.role}\t${k.name}\t${k.revoked ? 'revoked' : 'active'}`);
    }
  });

program.addCommand(projectionCommands(infra));
program.addCommand(deadLetterCommands(infra));
program.addCommand(parkedCommands(infra));
program.addCommand(readStoreCommands(infra));
program.addCommand(webhookCommands(infra));

program
  .parseAsync()
  .then(() => infra.close())
  .catch(async (error: Error) => {
    console.error(`error: ${error.message}`);
    await infra.close();
    process.exit(1);
  });
