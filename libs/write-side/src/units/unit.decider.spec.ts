import { CreateUnit, DeleteUnit, UnitAssignedToBatch, UnitCreated, UnitDeleted, UnitUpdated, UpdateUnit, type CommandEnvelope } from '@batchyard/contracts';
import { unitDecider, type UnitState } from './unit.decider';
import { afterCommands, commandsTo } from '../command-handling/testing';

const actor = { keyId: 'k1', name: 'line 1', role: 'station' as const };
const unitId = '00000000-0000-4000-8000-000000000001';
const command = commandsTo(unitId, actor);
const create = command(CreateUnit, { unitId, thngId: 't1', serialNumber: 'SN1', partNumber: 'P1', revisionNumber: 'A' });
const fold = (...commands: CommandEnvelope[]): UnitState => afterCommands(unitDecider, ...commands);

describe('unit decider', () => {
  it('creates a unit recording who created it, once', () => {
    expect(unitDecider.decide(create, unitDecider.initialState())).toEqual([{ type: UnitCreated.type, data: { ...(create.data as object), createdBy: actor } }]);
    expect(() => unitDecider.decide(create, fold(create))).toThrow(expect.objectContaining({ code: 'conflict' }));
  });

  it('updates fields and moves the unit between batches, naming the batch it left', () => {
    const assign = command(UpdateUnit, { unitId, changes: {}, batchId: 'b1' });
    expect(unitDecider.decide(assign, fold(create))).toEqual([{ type: UnitAssignedToBatch.type, data: { unitId, batchId: 'b1', previousBatchId: null } }]);
    const move = command(UpdateUnit, { unitId, changes: { partNumber: 'P2' }, batchId: null });
    expect(unitDecider.decide(move, fold(create, assign))).toEqual([
      { type: UnitUpdated.type, data: { unitId, changes: { partNumber: 'P2' } } },
      { type: UnitAssignedToBatch.type, data: { unitId, batchId: null, previousBatchId: 'b1' } },
    ]);
    expect(unitDecider.decide(assign, fold(create, assign))).toEqual([]); // already there
  });

  it('deletes a unit with the batch it leaves; a deleted unit is not found', () => {
    const assign = command(UpdateUnit, { unitId, changes: {}, batchId: 'b1' });
    const del = command(DeleteUnit, { unitId });
    expect(unitDecider.decide(del, fold(create, assign))).toEqual([{ type: UnitDeleted.type, data: { unitId, batchId: 'b1' } }]);
    expect(() => unitDecider.decide(del, fold(create, del))).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(() => unitDecider.decide(assign, unitDecider.initialState())).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});
