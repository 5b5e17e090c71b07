import { AddShortDomain, CreateTenant, RemoveShortDomain, TenantShortDomainAdded, TenantShortDomainRemoved, type CommandEnvelope } from '@batchyard/contracts';
import { DomainError } from '../command-handling/decider';
import { tenantDecider, type TenantState } from './tenant.decider';

const command = (type: string, data: unknown): CommandEnvelope => ({
  commandId: 'c1',
  type,
  tenant: 'acme',
  aggregateId: 'acme',
  correlationId: 'c1',
  causationId: 'c1',
  issuedAt: new Date(0).toISOString(),
  actor: { keyId: 'system', name: 'system', role: 'operator' },
  data,
});
const create = command(CreateTenant.type, { name: 'Acme' });
const add = command(AddShortDomain.type, { domain: 'acme.link' });
const remove = command(RemoveShortDomain.type, { domain: 'acme.link' });
const fold = (...commands: CommandEnvelope[]): TenantState =>
  commands.reduce((state, c) => tenantDecider.decide(c, state).reduce(tenantDecider.evolve, state), tenantDecider.initialState());

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
