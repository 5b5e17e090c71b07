import { CreateRedirection, DeleteRedirection, RedirectionCreated, RedirectionDeleted, RedirectionUpdated, UpdateRedirection } from '@batchyard/contracts';
import { DomainError, unknownCommand, type CommandOf, type Decider, type EventOf } from '../command-handling/decider';

export interface RedirectionState {
  status: 'NEW' | 'CREATED' | 'DELETED';
  url?: string;
  thngId?: string;
}

type RedirectionCommand = CommandOf<typeof CreateRedirection> | CommandOf<typeof UpdateRedirection> | CommandOf<typeof DeleteRedirection>;
type RedirectionEvent = EventOf<typeof RedirectionCreated> | EventOf<typeof RedirectionUpdated> | EventOf<typeof RedirectionDeleted>;

/**
 * A redirection of the EVRYTHNG short-domain API, one stream per short URL and tenant. One a task generated has no
 * event of its own until it is changed: its first state is the task's ItemsGenerated event, so an update or delete of
 * it arrives on an empty stream with `taskMade` (the gateway found it in the tenant's task-made redirections).
 * Short IDs are unique per short domain across tenants by their claim in `short_id_claims`, made before the command
 * (as the task worker claims a chunk's before its event).
 */
export const redirectionDecider: Decider<RedirectionState, RedirectionCommand, RedirectionEvent> = {
  initialState: () => ({ status: 'NEW' }),

  decide(command, state) {
    const exists = state.status === 'CREATED' || (state.status === 'NEW' && 'taskMade' in command.data && command.data.taskMade === true);
    switch (command.type) {
      case CreateRedirection.type:
        if (state.status === 'CREATED') throw new DomainError('conflict', `Redirection ${command.data.shortId} already exists`);
        return [{ type: RedirectionCreated.type, data: { ...command.data, createdBy: command.actor } }];
      case UpdateRedirection.type: {
        if (!exists) throw new DomainError('not_found', `Redirection ${command.data.shortId} not found`);
        const { taskMade: _, ...data } = command.data;
        if (state.status === 'CREATED' && state.url === data.url && state.thngId === data.thngId) return [];
        return [{ type: RedirectionUpdated.type, data }];
      }
      case DeleteRedirection.type: {
        if (!exists) throw new DomainError('not_found', `Redirection ${command.data.shortId} not found`);
        const { taskMade: _, ...data } = command.data;
        return [{ type: RedirectionDeleted.type, data }];
      }
      default:
        return unknownCommand(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case RedirectionCreated.type:
      case RedirectionUpdated.type:
        return { status: 'CREATED', url: event.data.url, thngId: event.data.thngId };
      case RedirectionDeleted.type:
        return { status: 'DELETED' };
      default:
        return state;
    }
  },
};
