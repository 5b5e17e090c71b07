import type { CommandSender } from '@batchyard/command-bus';
import type { Infrastructure } from '@batchyard/runtime';
import { InProcessCommandSender } from '@batchyard/write-side';

/**
 * The ops tool sends administrative commands in process, to the batch service's own handler and deciders,
 * straight against the configured stores: it works whether or not the services run.
 */
export async function adminSender(infra: Infrastructure): Promise<CommandSender> {
  const [events, readStore] = await Promise.all([infra.events(), infra.readStore()]);
  return InProcessCommandSender.over(events, readStore);
}
