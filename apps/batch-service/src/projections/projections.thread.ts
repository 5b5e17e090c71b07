// The body of the projections thread (see projections-thread.ts): every read model's runner, on event-store
// and read-store connections of its own.
import { parentPort, workerData } from 'node:worker_threads';
import { ProjectionRunner } from '@batchyard/projections';
import { Projections } from '@batchyard/read-models';
import { Infrastructure, processorLogging, type RuntimeConfig } from '@batchyard/runtime';

const { config, owner } = workerData as { config: RuntimeConfig; owner: string };
const infra = new Infrastructure(config);
const logger = infra.logger.child({ app: 'batch-service', thread: 'projections' });

async function start(): Promise<ProjectionRunner[]> {
  const [events, readStore] = await Promise.all([infra.events(), infra.readStore()]);
  const runners = Projections.map((definition) => new ProjectionRunner(events, readStore, definition, { ...processorLogging(logger, definition.name), owner }));
  for (const runner of runners) await runner.start();
  return runners;
}

void start().then((runners) => {
  parentPort!.once('message', async () => {
    await Promise.all(runners.map((r) => r.stop()));
    await infra.close();
    parentPort!.postMessage('stopped');
  });
  parentPort!.postMessage('started');
});
