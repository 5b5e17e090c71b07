import { randomUUID } from 'node:crypto';
import {
  MessageHeaders,
  Topics,
  type Actor,
  type CommandDefinition,
  type CommandEnvelope,
  type CommandOutcome,
} from '@batchyard/contracts';
import type { MessageBus } from '@batchyard/messaging';
import type { CommandOutcomes } from './command-outcomes';

export interface SendOptions {
  tenant: string;
  aggregateId: string;
  actor: Actor;
  /** Give one to make a retry the same command (an Idempotency-Key derives it). */
  commandId?: string;
  correlationId?: string;
  timeoutMs?: number;
}

export class CommandTimeoutError extends Error {
  constructor(readonly commandId: string) {
    super(`no outcome for command ${commandId} in time`);
    this.name = 'CommandTimeoutError';
  }
}

/**
 * Sends a command on its category's topic, keyed by aggregate id, and waits for the handler's
 * recorded outcome: a write answers only after its events are appended.
 */
export class CommandSender {
  constructor(
    private readonly bus: MessageBus,
    private readonly outcomes: CommandOutcomes,
  ) {}

  async send<D extends CommandDefinition>(definition: D, data: unknown, options: SendOptions): Promise<CommandOutcome> {
    const commandId = options.commandId ?? randomUUID();
    const known = await this.outcomes.get(commandId);
    if (known) return known;
    const command: CommandEnvelope = {
      commandId,
      type: definition.type,
      tenant: options.tenant,
      aggregateId: options.aggregateId,
      correlationId: options.correlationId ?? commandId,
      causationId: commandId,
      issuedAt: new Date().toISOString(),
      actor: options.actor,
      data,
    };
    await this.bus.publish([
      {
        topic: Topics.commands(definition.category),
        key: `${options.tenant}.${options.aggregateId}`,
        value: JSON.stringify(command),
        headers: {
          [MessageHeaders.messageId]: commandId,
          [MessageHeaders.type]: definition.type,
          [MessageHeaders.tenant]: options.tenant,
          [MessageHeaders.correlationId]: command.correlationId,
          [MessageHeaders.causationId]: command.causationId,
        },
      },
    ]);
    const outcome = await this.outcomes.waitFor(commandId, options.timeoutMs ?? 30_000);
    if (!outcome) throw new CommandTimeoutError(commandId);
    return outcome;
  }
}
