import { AddShortDomain, CreateTenant, RemoveShortDomain, TenantShortDomainAdded, TenantShortDomainRemoved, type CommandEnvelope } from '@batchyard/contracts';
import { DomainError } from '../command-handling/decider';
import { tenantDecider, type TenantState } from './tenant.decider';
import { afterCommands, commandsTo } from '../command-handling/testing';

const command = commandsTo('acme', { keyId: 'system', name: 'system', role: 'operator' });
const create = command(CreateTenant, { name: 'Acme' });
const add = command(AddShortDomain, { domain: 'acme.link' });
const remove = command(RemoveShortDomain, { domain: 'acme.link' });
const fold = (...commands: CommandEnvelope[]): TenantState => afterCommands(tenantDecider, ...commands);

describe('tenant decider: short domains', () => {
  it('adds a short domain to an existing tenant once', () => {
    expect(() => tenantDecider.decide(add, tenantDecider.initialState())).toThrow(DomainError);
    expect(tenantDecider.decide(add, fold(create))).toEqual([{ type: TenantShortDomainAdded.type, data: { domain: 'acme.link' } }]);
    expect(fold(create, add).domains).toEqual(new Set(['acme.link']));
    expect(tenantDecider.decide(add, fold(create, add))).toEqual([]);
  });

  it('removes a short domain the tenant has, and refuses one it has not', () => {
    expect(tenantDecider.decide(remove, fold(create, add))).toEqual([{ type: TenantShortDomainRemoved.type, data: { domain: 'acme.link' } }]);
    expect(fold(create, add, remove).domains).toEqual(new Set());
    expect(() => tenantDecider.decide(remove, fold(create, add, remove))).toThrow(DomainError);
  });
});
