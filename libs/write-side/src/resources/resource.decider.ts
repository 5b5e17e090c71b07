import { CreateResource, DeleteResource, ResourceCreated, ResourceDeleted, ResourceUpdated, UpdateResource, type CommandData } from '@batchyard/contracts';
import { DomainError, type Decider } from '../command-handling/decider';

/**
 * A resource written through its own endpoint. Bulk jobs write resources in chunk events on the job's
 * stream, not here, so this stream knows only its own history: whether the resource exists overall is the
 * resources read model's answer, which the gateway checks before an update or delete.
 */
export interface ResourceState {
  created: boolean;
  deleted: boolean;
}

export const resourceDecider: Decider<ResourceState> = {
  initialState: () => ({ created: false, deleted: false }),

  decide(command, state) {
    switch (command.type) {
      case CreateResource.type: {
        if (state.created) throw new DomainError('conflict', `resource ${command.aggregateId} already exists`);
        return [{ type: ResourceCreated.type, data: command.data as CommandData<typeof CreateResource> }];
      }
      case UpdateResource.type: {
        if (state.deleted) throw new DomainError('not_found', `resource ${command.aggregateId} was deleted`);
        return [{ type: ResourceUpdated.type, data: command.data as CommandData<typeof UpdateResource> }];
      }
      case DeleteResource.type: {
        if (state.deleted) throw new DomainError('not_found', `resource ${command.aggregateId} was deleted`);
        return [{ type: ResourceDeleted.type, data: command.data as CommandData<typeof DeleteResource> }];
      }
      default:
        throw new DomainError('invalid', `unknown command ${command.type}`);
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
