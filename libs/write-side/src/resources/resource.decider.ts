import { CreateResource, DeleteResource, ResourceCreated, ResourceDeleted, ResourceUpdated, UpdateResource } from '@batchyard/contracts';
import { DomainError, unknownCommand, type CommandOf, type Decider, type EventOf } from '../command-handling/decider';

/**
 * A resource written through its own endpoint. Bulk jobs write resources in chunk events on the job's
 * stream, not here, so this stream knows only its own history: whether the resource exists overall is the
 * resources read model's answer, which the gateway checks before an update or delete.
 */
export interface ResourceState {
  created: boolean;
  deleted: boolean;
}

type ResourceCommand = CommandOf<typeof CreateResource> | CommandOf<typeof UpdateResource> | CommandOf<typeof DeleteResource>;
type ResourceEvent = EventOf<typeof ResourceCreated> | EventOf<typeof ResourceUpdated> | EventOf<typeof ResourceDeleted>;

export const resourceDecider: Decider<ResourceState, ResourceCommand, ResourceEvent> = {
  initialState: () => ({ created: false, deleted: false }),

  decide(command, state) {
    switch (command.type) {
      case CreateResource.type: {
        if (state.created) throw new DomainError('conflict', `resource ${command.aggregateId} already exists`);
        return [{ type: ResourceCreated.type, data: command.data }];
      }
      case UpdateResource.type: {
        if (state.deleted) throw new DomainError('not_found', `resource ${command.aggregateId} was deleted`);
        return [{ type: ResourceUpdated.type, data: command.data }];
      }
      case DeleteResource.type: {
        if (state.deleted) throw new DomainError('not_found', `resource ${command.aggregateId} was deleted`);
        return [{ type: ResourceDeleted.type, data: command.data }];
      }
      default:
        return unknownCommand(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case ResourceCreated.type:
        return { ...state, created: true };
      case ResourceDeleted.type:
        return { ...state, deleted: true };
      default:
        return state;
    }
  },
};

export const resourceCommands = [CreateResource, UpdateResource, DeleteResource];
