import { ApiKeyCreated, ApiKeyRevoked, CreateApiKey, CreateTenant, RevokeApiKey, TenantCreated } from '@batchyard/contracts';
import { DomainError } from '../command-handling/decider';
import { tenantDecider } from './tenant.decider';
import type { DomainEvent } from '../command-handling/decider';
import { commandsTo, given as givenEvents } from '../command-handling/testing';

const hash = 'a'.repeat(64);
const command = commandsTo('acme', { keyId: 'system', name: 'system', role: 'operator' });
const given = (...events: DomainEvent[]) => givenEvents(tenantDecider, ...events);
const created = { type: TenantCreated.type, data: { tenantId: 'acme', name: 'Acme' } };
const keyCreated = { type: ApiKeyCreated.type, data: { keyId: 'k1', name: 'ci', role: 'user', keyHash: hash } };

describe('tenant decider', () => {
  it('creates a tenant once', () => {
    expect(tenantDecider.decide(command(CreateTenant, { name: 'Acme' }), given())).toEqual([created]);
    expect(() => tenantDecider.decide(command(CreateTenant, { name: 'Acme' }), given(created))).toThrow(DomainError);
  });

  it('issues keys only in an existing tenant, each id once', () => {
    const data = { keyId: 'k1', name: 'ci', role: 'user' as const, keyHash: hash };
    expect(() => tenantDecider.decide(command(CreateApiKey, data), given())).toThrow(/does not exist/);
    expect(tenantDecider.decide(command(CreateApiKey, data), given(created))).toEqual([keyCreated]);
    expect(() => tenantDecider.decide(command(CreateApiKey, data), given(created, keyCreated))).toThrow(/already exists/);
  });

  it('revokes a key once, carrying its hash for the read model', () => {
    const revoke = command(RevokeApiKey, { keyId: 'k1' });
    const revoked = { type: ApiKeyRevoked.type, data: { keyId: 'k1', keyHash: hash } };
    expect(tenantDecider.decide(revoke, given(created, keyCreated))).toEqual([revoked]);
    expect(tenantDecider.decide(revoke, given(created, keyCreated, revoked))).toEqual([]);
    try {
      tenantDecider.decide(command(RevokeApiKey, { keyId: 'nope' }), given(created));
      throw new Error('expected a rejection');
    } catch (error) {
      expect((error as DomainError).code).toBe('not_found');
    }
  });
});
