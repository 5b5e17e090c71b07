import { randomUUID } from 'node:crypto';
import type { Actor, CommandDefinition, CommandEnvelope, StreamCategory } from '@batchyard/contracts';

export interface CommandOptions {
  tenant: string;
  aggregateId: string;
  actor: Actor;
  /** Give one to make a retry the same command (an Idempotency-Key or a workflow step derives it). */
  commandId?: string;
  /** The request or process the command belongs to; the command id when omitted. */
  correlationId?: string;
}

/** A command to send: its envelope, and the category whose topic carries it over the bus. */
export interface OutgoingCommand {
  category: StreamCategory;
  envelope: CommandEnvelope;
}

/** The one way a command is made, whoever sends it and however it travels. */
export function command(definition: CommandDefinition, data: unknown, options: CommandOptions): OutgoingCommand {
  const commandId = options.commandId ?? randomUUID();
  const envelope: CommandEnvelope = {
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
  return { category: definition.category, envelope };
}
