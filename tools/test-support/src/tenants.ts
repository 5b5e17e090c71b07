import type { Role } from '@batchyard/contracts';
import { Checkpoints, projectionCheckpoint } from '@batchyard/projections';
import { ApiKeysProjection } from '@batchyard/read-models';
import type { Infrastructure } from '@batchyard/runtime';
import { createApiKey, createTenant, revokeApiKey } from '@batchyard/tenancy';
import { adminDispatch } from '../../../apps/ops/src/admin-dispatch';

/** Creates the tenant if needed and issues it a key of `role`, usable as soon as this resolves. */
export async function issueKey(infra: Infrastructure, tenant: string, role: Role): Promise<{ key: string; keyId: string }> {
  const dispatch = await adminDispatch(infra);
  await createTenant(dispatch, tenant); // a second call for the same tenant is a harmless conflict
  const issued = await createApiKey(dispatch, { tenant, name: `${role}-key`, role });
  if (issued.outcome.status !== 'accepted') throw new Error(`key not issued: ${JSON.stringify(issued.outcome)}`);
  await new Checkpoints(await infra.readStore()).waitFor(projectionCheckpoint(ApiKeysProjection), issued.outcome.position, 10_000);
  return { key: issued.key, keyId: issued.keyId };
}

/** Revokes a key; refused from the moment this resolves. */
export async function revokeKey(infra: Infrastructure, tenant: string, keyId: string): Promise<void> {
  const outcome = await revokeApiKey(await adminDispatch(infra), tenant, keyId);
  if (outcome.status !== 'accepted') throw new Error(`key not revoked: ${JSON.stringify(outcome)}`);
  await new Checkpoints(await infra.readStore()).waitFor(projectionCheckpoint(ApiKeysProjection), outcome.position, 10_000);
}
