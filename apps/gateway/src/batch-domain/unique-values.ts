import { ClaimUniqueValue, ReleaseUniqueValue, claimId, uuidFrom, type UniqueValueKind } from '@batchyard/contracts';
import type { ProjectionDefinition } from '@batchyard/projections';
import type { Caller } from '../auth/caller';
import { Inject, Injectable } from '@nestjs/common';
import type { CommandGateway } from '../commands/command-gateway';
import { COMMAND_GATEWAY } from '../tokens';

/**
 * Batch numbers and serial numbers are unique per tenant ignoring case, whichever dialect sets them:
 * the owner claims the value on its own stream before the write that uses it (a clash is 409), and
 * releases the old one after a rename or a delete. Under an Idempotency-Key the claim's command id
 * derives from the request's, so a retry after a crash re-claims for the same owner and goes on.
 */
@Injectable()
export class UniqueValues {
  constructor(@Inject(COMMAND_GATEWAY) private readonly commands: CommandGateway) {}

  claim(caller: Caller, kind: UniqueValueKind, value: string, ownerId: string, readModel: ProjectionDefinition, requestCommandId?: string) {
    return this.commands.execute(ClaimUniqueValue, { kind, value, ownerId }, {
      caller,
      aggregateId: claimId(kind, value),
      commandId: requestCommandId && uuidFrom(`${requestCommandId}:claim:${kind}`),
      readModel,
    });
  }

  release(caller: Caller, kind: UniqueValueKind, value: string, ownerId: string, readModel: ProjectionDefinition) {
    return this.commands.execute(ReleaseUniqueValue, { kind, value, ownerId }, { caller, aggregateId: claimId(kind, value), readModel });
  }
}
