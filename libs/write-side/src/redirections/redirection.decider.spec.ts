import { CreateRedirection, DeleteRedirection, RedirectionCreated, RedirectionDeleted, RedirectionUpdated, UpdateRedirection, type CommandEnvelope } from '@batchyard/contracts';
import { DomainError } from '../command-handling/decider';
import { afterCommands, commandsTo } from '../command-handling/testing';
import { redirectionDecider, type RedirectionState } from './redirection.decider';

const actor = { keyId: 'k1', name: 'ci', role: 'operator' as const };
const command = commandsTo('r1', actor);
const fields = { redirectionId: 'r1', shortDomain: 'tn.gg', shortId: 'abcd1234' };
const create = command(CreateRedirection, { ...fields, url: 'https://a.example/{shortId}' });
const move = (url: string, extra: { taskMade?: boolean; taskId?: string; thngId?: string } = {}) => command(UpdateRedirection, { ...fields, url, ...extra });
const remove = (taskMade?: boolean) => command(DeleteRedirection, { ...fields, ...(taskMade && { taskMade }) });
const fold = (...commands: CommandEnvelope[]): RedirectionState => afterCommands(redirectionDecider, ...commands);

describe('redirection decider', () => {
  it('creates a redirection once, recording who asked; a deleted one may be created again', () => {
    expect(redirectionDecider.decide(create, fold())).toEqual([{ type: RedirectionCreated.type, data: { ...create.data, createdBy: actor } }]);
    expect(() => redirectionDecider.decide(create, fold(create))).toThrow(DomainError);
    expect(redirectionDecider.decide(create, fold(create, remove()))).toHaveLength(1);
  });

  it('moves the target; the same target again records nothing', () => {
    expect(redirectionDecider.decide(move('https://b.example'), fold(create))).toEqual([{ type: RedirectionUpdated.type, data: { ...fields, url: 'https://b.example' } }]);
    expect(redirectionDecider.decide(move('https://a.example/{shortId}'), fold(create))).toEqual([]);
    expect(redirectionDecider.decide(move('https://a.example/{shortId}', { thngId: 't1' }), fold(create))).toHaveLength(1);
  });

  it('changes a task-made redirection on an empty stream only when the command says it exists', () => {
    expect(() => redirectionDecider.decide(move('https://b.example'), fold())).toThrow(DomainError);
    expect(redirectionDecider.decide(move('https://b.example', { taskMade: true, taskId: 'T1' }), fold())).toEqual([
      { type: RedirectionUpdated.type, data: { ...fields, url: 'https://b.example', taskId: 'T1' } },
    ]);
    expect(() => redirectionDecider.decide(remove(), fold())).toThrow(DomainError);
    expect(redirectionDecider.decide(remove(true), fold())).toEqual([{ type: RedirectionDeleted.type, data: fields }]);
  });

  it('refuses updates and deletes of a deleted redirection, even one a task made', () => {
    const gone = fold(create, remove());
    expect(() => redirectionDecider.decide(move('https://b.example'), gone)).toThrow(DomainError);
    expect(() => redirectionDecider.decide(move('https://b.example', { taskMade: true }), gone)).toThrow(DomainError);
    expect(() => redirectionDecider.decide(remove(true), gone)).toThrow(DomainError);
  });
});
