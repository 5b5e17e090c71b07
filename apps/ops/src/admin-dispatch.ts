import { randomUUID } from 'node:crypto';
import { CommandOutcomes } from '@batchyard/command-bus';
import type { Infrastructure } from '@batchyard/runtime';
import type { Dispatch } from '@batchyard/tenancy';
import { CommandHandler } from '@batchyard/write-side';
import { commandRoutes } from '@batchyard/write-side';

/**
 * The ops tool decides administrative commands itself, with the batch service's own handler and
 * deciders, straight against the configured stores: it works whether or not the services run.
 */
export async function adminDispatch(infra: Infrastructure): Promise<Dispatch> {
  const [events, readStore] = await Promise.all([infra.events(), infra.readStore()]);
  const handler = new CommandHandler(events, new CommandOutcomes(readStore), commandRoutes);
  return (definition, data, options) => {
    const commandId = options.commandId ?? randomUUID();
    return handler.handle({
      commandId,
      type: definition.type,
      tenant: options.tenant,
      aggregateId: options.aggregateId,
      correlationId: commandId,
      causationId: commandId,
      issuedAt: new Date().toISOString(),
      actor: options.actor,
      data,
    });
  };
}
