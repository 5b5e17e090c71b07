import { CommandOutcomes, type CommandSender, type OutgoingCommand } from '@batchyard/command-bus';
import type { CommandOutcome } from '@batchyard/contracts';
import type { EventStore } from '@batchyard/event-store';
import type { ReadStore } from '@batchyard/read-store';
import { commandRoutes } from '../command-routes';
import { CommandHandler } from './command-handler';

/**
 * In process: the command goes straight into the batch service's own handler and deciders, against the event
 * store, for the workers and the ops tool (which works whether or not the services run).
 */
export class InProcessCommandSender implements CommandSender {
  constructor(private readonly handler: CommandHandler) {}

  /** With the handler every process uses: all the routes, the outcomes in this read store. */
  static over(events: EventStore, readStore: ReadStore): InProcessCommandSender {
    return new InProcessCommandSender(new CommandHandler(events, new CommandOutcomes(readStore), commandRoutes));
  }

  send({ envelope }: OutgoingCommand): Promise<CommandOutcome> {
    return this.handler.handle(envelope);
  }
}
