import { BatchCreated, CreateBatch, type CommandEnvelope } from '@batchyard/contracts';
import { DomainError } from '../command-handling/decider';
import { batchDecider } from './batch.decider';

const actor = { keyId: 'k1', name: 'ci', role: 'operator' as const };
const create: CommandEnvelope = {
  commandId: 'c1',
  type: CreateBatch.type,
  tenant: 'acme',
  aggregateId: 'b1',
  correlationId: 'c1',
  causationId: 'c1',
  issuedAt: new Date(0).toISOString(),
  actor,
  data: { batchId: 'b1', uuid: '00000000-0000-4000-8000-000000000000', name: 'Lot 1' },
};

describe('batch decider', () => {
  it('creates a batch recording who created it', () => {
    const events = batchDecider.decide(create, batchDecider.initialState());
    expect(events).toEqual([{ type: BatchCreated.type, data: { ...(create.data as object), createdBy: actor } }]);
  });

  it('refuses to create the same batch twice', () => {
    const state = batchDecider.decide(create, batchDecider.initialState()).reduce(batchDecider.evolve, batchDecider.initialState());
    expect(state.exists).toBe(true);
    expect(() => batchDecider.decide(create, state)).toThrow(DomainError);
  });
});
