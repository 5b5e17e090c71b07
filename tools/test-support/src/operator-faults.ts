import { randomUUID } from 'node:crypto';
import { BatchUpdated, MessageHeaders, StreamCategory, streamName, Topics } from '@batchyard/contracts';
import type { Infrastructure } from '@batchyard/runtime';

/**
 * Real faults for the operator's views, made as a buggy or foreign writer would make them. An event the batches
 * projection cannot apply (its change names `_id`, which the read store refuses), appended straight to the event
 * store: the projection parks it. Resolves with its position.
 */
export async function appendUnappliableBatchEvent(infra: Infrastructure, tenant: string, batchId: string): Promise<number> {
  const events = await infra.events();
  const { position } = await events.append(
    streamName(StreamCategory.batch, tenant, batchId),
    [
      {
        eventId: randomUUID(),
        type: BatchUpdated.type,
        version: BatchUpdated.version,
        tenant,
        correlationId: 'foreign',
        causationId: 'foreign',
        occurredAt: new Date().toISOString(),
        data: { batchId, changes: { _id: 'hijacked' } },
      },
    ],
    'any',
  );
  return position;
}

/**
 * A command message that is not JSON, published on the batch commands topic with the tenant's header: the batch
 * service's consumer fails on it, retries (about 3 s) and dead-letters it. Resolves with its message id.
 */
export async function publishUndigestibleCommand(infra: Infrastructure, tenant: string): Promise<string> {
  const messageId = randomUUID();
  const bus = await infra.bus();
  await bus.publish([
    {
      topic: Topics.commands(StreamCategory.batch),
      key: `batch-${tenant}.poison`,
      value: 'this is not a command',
      headers: { [MessageHeaders.messageId]: messageId, [MessageHeaders.tenant]: tenant, [MessageHeaders.type]: 'NotACommand' },
    },
  ]);
  return messageId;
}
