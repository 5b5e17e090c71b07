import { NestFactory } from '@nestjs/core';
import { StreamCategory, Topics } from '@batchyard/contracts';
import { BusExceptionFilter, BusTransport } from '@batchyard/messaging';
import { ReadStoreDeadLetters, type Infrastructure, type RunningApp } from '@batchyard/runtime';
import { TaskRunner } from './task-runner';
import { TaskWorkerModule } from './task-worker.module';

/** The task worker: runs EVRYTHNG tasks from their events on `batchyard.events.task`. */
export async function startTaskWorker(infra: Infrastructure): Promise<RunningApp> {
  const logger = infra.logger.child({ app: 'task-worker' });
  const [events, readStore, bus, blobs] = await Promise.all([infra.events(), infra.readStore(), infra.bus(), infra.blobs()]);
  await bus.ensureTopics([{ name: Topics.events(StreamCategory.task) }]);
  const app = await NestFactory.createMicroservice(TaskWorkerModule.register(new TaskRunner(events, readStore, blobs, infra.config.limits.taskItems)), {
    strategy: new BusTransport({ bus, groupId: 'task-worker', deadLetters: new ReadStoreDeadLetters(readStore) }),
    logger: ['error', 'warn'],
  });
  app.useGlobalFilters(new BusExceptionFilter());
  await app.listen();
  infra.roster.addConsumer('task-worker');
  logger.info('task-worker running');
  return { name: 'task-worker', stop: () => app.close() };
}
