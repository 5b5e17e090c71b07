import { CreateFile, DeleteFile, FileCreated, FileDeleted, FileUploaded, RecordFileUpload, type CommandData } from '@batchyard/contracts';
import { DomainError, type Decider } from '../command-handling/decider';

export interface FileState {
  status: 'NEW' | 'CREATED' | 'DELETED';
  /** The blob last uploaded, so a repeated upload of the same bytes records nothing. */
  hash?: string;
}

/** A file of the EVRYTHNG Files API: created, uploaded (again, to replace its bytes), deleted. */
export const fileDecider: Decider<FileState> = {
  initialState: () => ({ status: 'NEW' }),

  decide(command, state) {
    if (command.type === CreateFile.type) {
      if (state.status !== 'NEW') throw new DomainError('conflict', `file ${command.aggregateId} already exists`);
      return [{ type: FileCreated.type, data: { ...(command.data as CommandData<typeof CreateFile>), createdBy: command.actor } }];
    }
    if (state.status !== 'CREATED') throw new DomainError('not_found', `File ${command.aggregateId} not found`);
    switch (command.type) {
      case RecordFileUpload.type: {
        const data = command.data as CommandData<typeof RecordFileUpload>;
        return data.hash === state.hash ? [] : [{ type: FileUploaded.type, data }];
      }
      case DeleteFile.type:
        return [{ type: FileDeleted.type, data: command.data as CommandData<typeof DeleteFile> }];
      default:
        throw new DomainError('invalid', `unknown command ${command.type}`);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case FileCreated.type:
        return { status: 'CREATED' };
      case FileUploaded.type:
        return { ...state, hash: (event.data as CommandData<typeof RecordFileUpload>).hash };
      case FileDeleted.type:
        return { status: 'DELETED' };
      default:
        return state;
    }
  },
};
