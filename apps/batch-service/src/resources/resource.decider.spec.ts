import { CreateResource, DeleteResource, ResourceCreated, ResourceDeleted, ResourceUpdated, UpdateResource, type CommandEnvelope } from '@batchyard/contracts';
import { DomainError } from '../command-handling/decider';
import { resourceDecider, type ResourceState } from './resource.decider';

const command = (type: string, data: unknown): CommandEnvelope => ({
  commandId: 'c1',
  type,
  tenant: 'acme',
  aggregateId: 'contact_1',
  correlationId: 'c1',
  causationId: 'c1',
  issuedAt: new Date(0).toISOString(),
  actor: { keyId: 'k1', name: 'ci', role: 'user' },
  data,
});
const create = command(CreateResource.type, { resource: 'contact', id: 'contact_1', fields: { name: 'A' } });
const update = command(UpdateResource.type, { resource: 'contact', id: 'contact_1', fields: { nickname: 'B' } });
const del = command(DeleteResource.type, { resource: 'contact', id: 'contact_1' });
const fold = (...commands: CommandEnvelope[]): ResourceState =>
  commands.reduce((state, c) => resourceDecider.decide(c, state).reduce(resourceDecider.evolve, state), resourceDecider.initialState());

describe('resource decider', () => {
  it('creates once, then updates and deletes', () => {
    expect(resourceDecider.decide(create, resourceDecider.initialState())).toEqual([{ type: ResourceCreated.type, data: create.data }]);
    expect(() => resourceDecider.decide(create, fold(create))).toThrow(DomainError);
    expect(resourceDecider.decide(update, fold(create))).toEqual([{ type: ResourceUpdated.type, data: update.data }]);
    expect(resourceDecider.decide(del, fold(create, update))).toEqual([{ type: ResourceDeleted.type, data: del.data }]);
  });

  it('refuses to update or delete what it saw deleted', () => {
    const deleted = fold(create, del);
    expect(() => resourceDecider.decide(update, deleted)).toThrow(/deleted/);
    expect(() => resourceDecider.decide(del, deleted)).toThrow(/deleted/);
  });

  it('updates a resource a bulk job created (its stream is empty: the read model vouched for it)', () => {
    expect(resourceDecider.decide(update, resourceDecider.initialState())[0].type).toBe(ResourceUpdated.type);
  });
});
