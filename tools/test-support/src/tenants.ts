import type { Role } from '@batchyard/contracts';
import { Checkpoints, projectionCheckpoint } from '@batchyard/projections';
import { ApiKeysProjection } from '@batchyard/read-models';
import type { Infrastructure } from '@batchyard/runtime';
import { createApiKey, createTenant, revokeApiKey } from '@batchyard/tenancy';
import { adminSender } from '../../../apps/ops/src/admin-sender';

/** Creates the tenant if needed and issues it a key of `role`, usable as soon as this resolves. */
export async function issueKey(infra: Infrastructure, tenant: string, role: Role): Promise<{ key: string; keyId: string }> {
  const sender = await adminSender(infra);
  await createTenant(sender, tenant); // a second call for the same tenant is a harmless conflict
  const issued = await createApiKey(sender, { tenant, name: `${role}-key`, role });
  if (issued.outcome.status !== 'accepted') throw new Error(`key not issued: ${JSON.stringify(issued.outcome)}`);
  await new Checkpoints(await infra.readStore()).waitFor(projectionCheckpoint(ApiKeysProjection), issued.outcome.position, 10_000);
  return { key: issued.key, keyId: issued.keyId };
}

/** Revokes a key; refused from the moment this resolves. */
export async function revokeKey(infra: Infrastructure, tenant: string, keyId: string): Promise<void> {
  const outcome = await revokeApiKey(await adminSender(infra), tenant, keyId);
  if (outcome.status !== 'accepted') throw new Error(`key not revoked: ${JSON.stringify(outcome)}`);
  await new Checkpoints(await infra.readStore()).waitFor(projectionCheckpoint(ApiKeysProjection), outcome.position, 10_000);
}
