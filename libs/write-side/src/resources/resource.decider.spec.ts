import { CreateResource, DeleteResource, ResourceCreated, ResourceDeleted, ResourceUpdated, UpdateResource, type CommandEnvelope } from '@batchyard/contracts';
import { DomainError } from '../command-handling/decider';
import { resourceDecider, type ResourceState } from './resource.decider';
import { afterCommands, commandsTo } from '../command-handling/testing';

const command = commandsTo('contact_1', { keyId: 'k1', name: 'ci', role: 'user' });
const create = command(CreateResource, { resource: 'contact', id: 'contact_1', fields: { name: 'A' } });
const update = command(UpdateResource, { resource: 'contact', id: 'contact_1', fields: { nickname: 'B' } });
const del = command(DeleteResource, { resource: 'contact', id: 'contact_1' });
const fold = (...commands: CommandEnvelope[]): ResourceState => afterCommands(resourceDecider, ...commands);

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
