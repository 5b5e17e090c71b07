import { NestFactory } from '@nestjs/core';
import { CommandOutcomes } from '@batchyard/command-bus';
import { StreamCategory, Topics } from '@batchyard/contracts';
import { BusExceptionFilter, BusTransport } from '@batchyard/messaging';
import { Projections } from '@batchyard/read-models';
import { installationProcessors, processorLogging, ReadStoreDeadLetters, type Infrastructure, type RunningApp } from '@batchyard/runtime';
import { BatchServiceModule } from './batch-service.module';
import { CommandHandler, commandRoutes } from '@batchyard/write-side';
import { ProjectionsThread } from './projections/projections-thread';
import { createEventRelay } from '@batchyard/event-relay';
import { WebhookDelivery } from '@batchyard/webhooks';

/**
 * Commands of different aggregates decided at once per partition: each waits on its own stream's read and append,
 * and one partition's commands in partition order made every client wait behind the others' round trips. Each
 * aggregate's commands still come one at a time, in order (they are keyed by aggregate).
 */
const COMMAND_KEYS_IN_PARALLEL = 16;

/**
 * The write side: command handlers on the bus, the projections that build the read models (in a thread
 * of their own), the relay that publishes appended events to their topics, and the webhook deliveries.
 */
export async function startBatchService(infra: Infrastructure): Promise<RunningApp> {
  const logger = infra.logger.child({ app: 'batch-service' });
  const [events, readStore, bus] = await Promise.all([infra.events(), infra.readStore(), infra.bus()]);
  const categories = Object.values(StreamCategory);
  await bus.ensureTopics(categories.flatMap((c) => [{ name: Topics.commands(c) }, { name: Topics.events(c) }]));

  const { concurrentTasks, concurrentBulkJobs, storedBytes } = infra.config.limits;
  // The places and bytes a tenant's work takes are reserved here, as part of the command that queues it.
  const limits = { tasks: concurrentTasks, 'bulk-jobs': concurrentBulkJobs, 'stored-bytes': storedBytes };
  const handler = new CommandHandler(events, new CommandOutcomes(readStore), commandRoutes, { limits });
  const app = await NestFactory.createMicroservice(BatchServiceModule.register(handler), {
    strategy: new BusTransport({ bus, groupId: 'batch-service', keysInParallel: COMMAND_KEYS_IN_PARALLEL, deadLetters: new ReadStoreDeadLetters(readStore) }),
    logger: ['error', 'warn'],
  });
  app.useGlobalFilters(new BusExceptionFilter());
  await app.listen();

  const projections = await ProjectionsThread.start(infra.config, logger);
  const relay = createEventRelay(events, readStore, bus, processorLogging(logger, 'relay'));
  relay.start();
  // Beside the relay, on the main thread: both follow the store and spend their time waiting on the network.
  const webhooks = new WebhookDelivery(events, readStore, {
    allowPrivate: infra.config.webhooksAllowPrivate ?? false,
    disableAfterMs: infra.config.webhooksDisableAfterMs,
    ...processorLogging(logger, 'webhooks'),
  });
  await webhooks.start();
  infra.roster.addProcessors(installationProcessors());
  infra.roster.addConsumer('batch-service');
  logger.info({ adapters: infra.adapters, projections: Projections.map((p) => p.name) }, 'batch service running');

  return {
    name: 'batch-service',
    async stop() {
      await relay.stop();
      await webhooks.stop();
      await projections.stop();
      await app.close();
    },
  };
}
