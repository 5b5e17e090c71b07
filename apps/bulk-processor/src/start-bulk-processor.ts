import { NestFactory } from '@nestjs/core';
import { StreamCategory, Topics } from '@batchyard/contracts';
import { BusExceptionFilter, BusTransport } from '@batchyard/messaging';
import { ReadStoreDeadLetters, type Infrastructure, type RunningApp } from '@batchyard/runtime';
import { BulkProcessorModule } from './bulk-processor.module';
import { startDeadlineSweeper } from './deadline-sweeper';
import { JobRunner } from './job-runner';

/** The bulk processor: runs PackageX bulk jobs from their events on `batchyard.events.bulkjob`. */
export async function startBulkProcessor(infra: Infrastructure): Promise<RunningApp> {
  const logger = infra.logger.child({ app: 'bulk-processor' });
  const [events, readStore, bus, blobs] = await Promise.all([infra.events(), infra.readStore(), infra.bus(), infra.blobs()]);
  await bus.ensureTopics([{ name: Topics.events(StreamCategory.bulkjob) }]);
  const runner = new JobRunner(events, readStore, blobs);
  const app = await NestFactory.createMicroservice(BulkProcessorModule.register(runner), {
    strategy: new BusTransport({ bus, groupId: 'bulk-processor', deadLetters: new ReadStoreDeadLetters(readStore) }),
    logger: ['error', 'warn'],
  });
  app.useGlobalFilters(new BusExceptionFilter());
  await app.listen();
  const sweeper = startDeadlineSweeper(readStore, runner, (err) => logger.error({ err }, 'deadline sweep failed'));
  infra.roster.addConsumer('bulk-processor');
  logger.info('bulk-processor running');
  return {
    name: 'bulk-processor',
    async stop() {
      sweeper.stop();
      await app.close();
    },
  };
}
