import { consumerLag, deadLetters, metricsRegistry, projectionLag } from '@batchyard/observability';
import { Checkpoints, projectionCheckpoint } from '@batchyard/projections';
import { Projections } from '@batchyard/read-models';
import { ReadStoreDeadLetters } from './dead-letter-store';
import type { Infrastructure } from './infrastructure';

/**
 * Prometheus text of this process's registry. The installation's gauges (projection lag, dead
 * letters, consumer lag) are measured at scrape time from the shared stores and the bus, so every
 * process reports them, whichever apps it runs.
 */
export async function scrapeMetrics(infra: Infrastructure): Promise<string> {
  const [readStore, bus] = await Promise.all([infra.readStore(), infra.bus()]);
  // The furthest checkpoint (the relay's, which follows every event) stands in for the head, so
  // measuring needs no event store (the gateway never opens one).
  const positions = new Map((await new Checkpoints(readStore).all()).map((c) => [c._id, c.position]));
  const head = Math.max(0, ...positions.values());
  for (const p of Projections) projectionLag.set({ projection: p.name }, head - (positions.get(projectionCheckpoint(p)) ?? 0));
  deadLetters.set(await new ReadStoreDeadLetters(readStore).count());
  const lags = await bus.consumerLag();
  consumerLag.reset();
  for (const { groupId, topic, partition, lag } of lags) consumerLag.set({ group: groupId, topic, partition: String(partition) }, lag);
  return metricsRegistry.metrics();
}
