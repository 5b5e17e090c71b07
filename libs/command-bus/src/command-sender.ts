import { MessageHeaders, Topics, type CommandOutcome } from '@batchyard/contracts';
import type { MessageBus } from '@batchyard/messaging';
import type { OutgoingCommand } from './command-envelope';
import type { CommandOutcomes } from './command-outcomes';

/**
 * The one way to send a command: it resolves with the handler's recorded outcome, once the command's events are
 * appended (or it was rejected). Adapters: over the bus (`BusCommandSender`) and in process (libs/write-side).
 */
export interface CommandSender {
  send(command: OutgoingCommand): Promise<CommandOutcome>;
}

export class CommandTimeoutError extends Error {
  constructor(readonly commandId: string) {
    super(`no outcome for command ${commandId} in time`);
    this.name = 'CommandTimeoutError';
  }
}

/**
 * Over the bus: publishes the command on its category's topic, keyed by aggregate id, and waits for the
 * handler's recorded outcome (a command already decided answers from its outcome without a publish).
 */
export class BusCommandSender implements CommandSender {
  constructor(
    private readonly bus: MessageBus,
    private readonly outcomes: CommandOutcomes,
    private readonly timeoutMs = 30_000,
  ) {}

  async send({ category, envelope: command }: OutgoingCommand): Promise<CommandOutcome> {
    const known = await this.outcomes.get(command.commandId);
    if (known) return known;
    await this.bus.publish([
      {
        topic: Topics.commands(category),
        key: `${command.tenant}.${command.aggregateId}`,
        value: JSON.stringify(command),
        headers: {
          [MessageHeaders.messageId]: command.commandId,
          [MessageHeaders.type]: command.type,
          [MessageHeaders.tenant]: command.tenant,
          [MessageHeaders.correlationId]: command.correlationId,
          [MessageHeaders.causationId]: command.causationId,
        },
      },
    ]);
    const outcome = await this.outcomes.waitFor(command.commandId, this.timeoutMs);
    if (!outcome) throw new CommandTimeoutError(command.commandId);
    return outcome;
  }
}
