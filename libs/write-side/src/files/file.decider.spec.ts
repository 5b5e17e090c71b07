import { CreateFile, DeleteFile, FileCreated, FileDeleted, FileUploaded, RecordFileUpload, type CommandEnvelope } from '@batchyard/contracts';
import { DomainError } from '../command-handling/decider';
import { fileDecider, type FileState } from './file.decider';
import { afterCommands, commandsTo } from '../command-handling/testing';

const actor = { keyId: 'k1', name: 'ci', role: 'operator' as const };
const command = commandsTo('f1', actor);
const create = command(CreateFile, { fileId: 'f1', name: 'ids.csv', type: 'text/csv', privateAccess: true });
const upload = (hash: string) => command(RecordFileUpload, { fileId: 'f1', hash, size: 10 });
const remove = command(DeleteFile, { fileId: 'f1' });
const fold = (...commands: CommandEnvelope[]): FileState => afterCommands(fileDecider, ...commands);

describe('file decider', () => {
  it('creates a file once, recording who asked', () => {
    expect(fileDecider.decide(create, fileDecider.initialState())).toEqual([{ type: FileCreated.type, data: { ...(create.data as object), createdBy: actor } }]);
    expect(() => fileDecider.decide(create, fold(create))).toThrow(DomainError);
  });

  it('records an upload, a repeated upload of the same bytes records nothing, other bytes replace them', () => {
    const a = 'a'.repeat(64);
    expect(fileDecider.decide(upload(a), fold(create))).toEqual([{ type: FileUploaded.type, data: upload(a).data }]);
    expect(fileDecider.decide(upload(a), fold(create, upload(a)))).toEqual([]);
    expect(fileDecider.decide(upload('b'.repeat(64)), fold(create, upload(a)))).toHaveLength(1);
  });

  it('refuses uploads and deletes of a file that does not exist or was deleted', () => {
    expect(() => fileDecider.decide(upload('a'.repeat(64)), fileDecider.initialState())).toThrow(DomainError);
    expect(fileDecider.decide(remove, fold(create))).toEqual([{ type: FileDeleted.type, data: { fileId: 'f1' } }]);
    expect(() => fileDecider.decide(remove, fold(create, remove))).toThrow(DomainError);
    expect(() => fileDecider.decide(upload('a'.repeat(64)), fold(create, remove))).toThrow(DomainError);
  });
});
