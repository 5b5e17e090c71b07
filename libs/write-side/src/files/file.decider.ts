import { CreateFile, DeleteFile, FileCreated, FileDeleted, FileUploaded, RecordFileUpload } from '@batchyard/contracts';
import { DomainError, unknownCommand, type CommandOf, type Decider, type EventOf } from '../command-handling/decider';
import { NO_RESERVATIONS, quotaReturn, quotaShare, type Reserves } from '../reservations/reservations';

export interface FileState {
  status: 'NEW' | 'CREATED' | 'DELETED';
  /** The blob last uploaded, so a repeated upload of the same bytes records nothing. */
  hash?: string;
}

/** A file of the EVRYTHNG Files API: created, uploaded (again, to replace its bytes), deleted. */
type FileCommand = CommandOf<typeof CreateFile> | CommandOf<typeof RecordFileUpload> | CommandOf<typeof DeleteFile>;
type FileEvent = EventOf<typeof FileCreated> | EventOf<typeof FileUploaded> | EventOf<typeof FileDeleted>;

export const fileDecider: Decider<FileState, FileCommand, FileEvent> = {
  initialState: () => ({ status: 'NEW' }),

  decide(command, state) {
    if (command.type === CreateFile.type) {
      if (state.status !== 'NEW') throw new DomainError('conflict', `file ${command.aggregateId} already exists`);
      return [{ type: FileCreated.type, data: { ...command.data, createdBy: command.actor } }];
    }
    if (state.status !== 'CREATED') throw new DomainError('not_found', `File ${command.aggregateId} not found`);
    switch (command.type) {
      case RecordFileUpload.type: {
        return command.data.hash === state.hash ? [] : [{ type: FileUploaded.type, data: command.data }];
      }
      case DeleteFile.type:
        return [{ type: FileDeleted.type, data: command.data }];
      default:
        return unknownCommand(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case FileCreated.type:
        return { status: 'CREATED' };
      case FileUploaded.type:
        return { ...state, hash: event.data.hash };
      case FileDeleted.type:
        return { status: 'DELETED' };
      default:
        return state;
    }
  },
};

/** A file's share of its tenant's stored bytes is its latest content (an upload anew replaces it), given back on delete. */
export const fileReservations: Reserves<FileState, FileCommand> = (command, state, context) => {
  const holder = `file:${command.aggregateId}`;
  switch (command.type) {
    case RecordFileUpload.type:
      return state.status === 'CREATED' ? quotaShare(context, 'stored-bytes', holder, command.data.size) : NO_RESERVATIONS;
    case DeleteFile.type:
      return quotaReturn('stored-bytes', holder);
    default:
      return NO_RESERVATIONS;
  }
};
