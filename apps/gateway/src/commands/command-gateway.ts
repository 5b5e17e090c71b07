import type { CommandDefinition } from '@batchyard/contracts';
import { command, CommandTimeoutError, type CommandSender } from '@batchyard/command-bus';
import { MessageTooLargeError } from '@batchyard/messaging';
import { commandSeconds, currentCorrelationId } from '@batchyard/observability';
import { ProjectionLagError, projectionCheckpoint, ReadYourWrites, WriteParkedError, type ProjectionDefinition } from '@batchyard/projections';
import type { ReadStore } from '@batchyard/read-store';
import type { Caller } from '../auth/caller';
import { ApiError } from '../http/api-error';
import { acceptedPosition } from './outcome-errors';

const READ_YOUR_WRITES_TIMEOUT_MS = 10_000;

/**
 * How controllers write: send the command, turn a rejection into the dialect's 4xx, then wait until
 * the projection the caller reads next has caught up with the write (read-your-writes).
 */
export class CommandGateway {
  private readonly readModels: ReadYourWrites;

  constructor(
    private readonly sender: CommandSender,
    readStore: ReadStore,
  ) {
    this.readModels = new ReadYourWrites(readStore);
  }

  async execute(
    definition: CommandDefinition,
    data: unknown,
    /** `readModel`: what the caller reads next; several when the write changes more than one. */
    target: { caller: Caller; aggregateId: string; commandId?: string; readModel: ProjectionDefinition | readonly ProjectionDefinition[] },
  ): Promise<number> {
    const { caller, aggregateId, commandId, readModel } = target;
    const timer = commandSeconds.startTimer({ command: definition.type });
    let result = 'error';
    try {
      const outcome = await this.sender.send(
        command(definition, data, {
          tenant: caller.tenant,
          aggregateId,
          commandId,
          correlationId: currentCorrelationId(),
          actor: { keyId: caller.keyId, name: caller.name, role: caller.role },
        }),
      );
      result = outcome.status === 'accepted' ? 'read_model_lagging' : 'rejected';
      const position = acceptedPosition(outcome);
      for (const model of [readModel].flat()) {
        await this.readModels.waitFor(projectionCheckpoint(model), { position, commandId: outcome.commandId }, READ_YOUR_WRITES_TIMEOUT_MS);
      }
      result = 'accepted';
      return position;
    } catch (error) {
      if (error instanceof WriteParkedError) {
        result = 'read_model_parked';
        throw new ApiError(
          'SERVICE_UNAVAILABLE',
          'The write is recorded, but its read model cannot show it: an operator must resolve a parked event; retry with the same Idempotency-Key then',
        );
      }
      if (error instanceof CommandTimeoutError || error instanceof ProjectionLagError) {
        throw new ApiError('SERVICE_UNAVAILABLE', 'The batch service did not answer in time; retry with the same Idempotency-Key');
      }
      if (error instanceof MessageTooLargeError) {
        throw new ApiError('PAYLOAD_TOO_LARGE', `The request makes a command of ${error.bytes} bytes; the bus takes at most ${error.limit}`);
      }
      throw error;
    } finally {
      timer({ result });
    }
  }
}
