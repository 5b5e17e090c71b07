import { consumerDeadLetters, consumerLag, deadLetters, metricsRegistry, parkedEvents, processorStalled, projectionLag } from '@batchyard/observability';
import { Checkpoints, projectionCheckpoint } from '@batchyard/projections';
import { Projections } from '@batchyard/read-models';
import { ReadStoreDeadLetters } from './dead-letter-store';
import { installationProcessors } from './processors';
import type { Infrastructure } from './infrastructure';

/**
 * Prometheus text of this process's registry. The installation's gauges (projection lag, parked events,
 * stalls, dead letters, consumer lag) are measured at scrape time from the shared stores and the bus, so
 * every process reports them, whichever apps it runs.
 */
export async function scrapeMetrics(infra: Infrastructure): Promise<string> {
  const [readStore, bus] = await Promise.all([infra.readStore(), infra.bus()]);
  // The furthest checkpoint (the relay's, which follows every event) stands in for the head, so
  // measuring needs no event store (the gateway never opens one).
  const states = new Map((await new Checkpoints(readStore).all()).map((c) => [c._id, c]));
  const head = Math.max(0, ...[...states.values()].map((c) => c.position));
  for (const p of Projections) projectionLag.set({ projection: p.name }, head - (states.get(projectionCheckpoint(p))?.position ?? 0));
  for (const { name, checkpoint } of installationProcessors()) {
    parkedEvents.set({ processor: name }, states.get(checkpoint)?.parked ?? 0);
    processorStalled.set({ processor: name }, states.get(checkpoint)?.stalledSince ? 1 : 0);
  }
  const dead = new ReadStoreDeadLetters(readStore);
  deadLetters.set(await dead.count());
  const lags = await bus.consumerLag();
  consumerLag.reset();
  for (const { groupId, topic, partition, lag } of lags) consumerLag.set({ group: groupId, topic, partition: String(partition) }, lag);
  for (const group of new Set(lags.map((l) => l.groupId))) consumerDeadLetters.set({ group }, await dead.count(group));
  return metricsRegistry.metrics();
}
