import { BatchCreated, BatchDeleted, BatchUpdated, CreateBatch, DeleteBatch, UpdateBatch, type CommandEnvelope } from '@batchyard/contracts';
import { DomainError } from '../command-handling/decider';
import { batchDecider, type BatchState } from './batch.decider';
import { afterCommands, commandsTo } from '../command-handling/testing';

const actor = { keyId: 'k1', name: 'ci', role: 'operator' as const };
const command = commandsTo('b1', actor);
const create = command(CreateBatch, { batchId: 'b1', uuid: '00000000-0000-4000-8000-000000000000', name: 'Lot 1' });
const fold = (...commands: CommandEnvelope[]): BatchState => afterCommands(batchDecider, ...commands);

describe('batch decider', () => {
  it('creates a batch recording who created it', () => {
    const events = batchDecider.decide(create, batchDecider.initialState());
    expect(events).toEqual([{ type: BatchCreated.type, data: { ...(create.data as object), createdBy: actor } }]);
  });

  it('refuses to create the same batch twice', () => {
    const state = fold(create);
    expect(state.exists).toBe(true);
    expect(() => batchDecider.decide(create, state)).toThrow(DomainError);
  });

  it('records the changed fields of an update, and nothing for an empty one', () => {
    const update = command(UpdateBatch, { batchId: 'b1', changes: { tags: ['a'] } });
    expect(batchDecider.decide(update, fold(create))).toEqual([{ type: BatchUpdated.type, data: update.data }]);
    expect(batchDecider.decide(command(UpdateBatch, { batchId: 'b1', changes: {} }), fold(create))).toEqual([]);
  });

  it('deletes a batch once; a missing or deleted batch is not found for update and delete', () => {
    const del = command(DeleteBatch, { batchId: 'b1' });
    expect(batchDecider.decide(del, fold(create))).toEqual([{ type: BatchDeleted.type, data: { batchId: 'b1' } }]);
    const update = command(UpdateBatch, { batchId: 'b1', changes: { name: 'x' } });
    for (const state of [batchDecider.initialState(), fold(create, del)]) {
      for (const c of [update, del]) {
        expect(() => batchDecider.decide(c, state)).toThrow(expect.objectContaining({ code: 'not_found' }));
      }
    }
  });
});
