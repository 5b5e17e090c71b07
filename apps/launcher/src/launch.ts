// The composition root: `node dist/libs/runtime/src/launch.js all` (npm start) runs the four apps in
// one process; `... launch.js gateway` (npm run start:gateway) runs one. Adapters come from the environment.
import { startBatchService } from '../../batch-service/src/start-batch-service';
import { startBulkProcessor } from '../../bulk-processor/src/start-bulk-processor';
import { startGateway } from '../../gateway/src/start-gateway';
import { startTaskWorker } from '../../task-worker/src/start-task-worker';
import { writeFileSync, renameSync } from 'node:fs';
import { loadConfig, type RuntimeConfig } from '../../../libs/runtime/src/config';
import { Infrastructure } from '../../../libs/runtime/src/infrastructure';
import { ForeignReadStoreError } from '../../../libs/runtime/src/installation-identity';
import { serveOpsEndpoint } from '../../../libs/runtime/src/ops-endpoint';
import type { RunningApp } from '../../../libs/runtime/src/running-app';

/**
 * The write side starts before the gateway, which sends the bootstrap commands. Every process serves `/metrics`
 * (and `/health`) on METRICS_PORT, apart from the API's port so that the metrics are not public where the API is; by
 * default its first app's port here (one each, so the apps of one machine do not clash).
 */
const apps: Record<string, { start: (infra: Infrastructure) => Promise<RunningApp>; metricsPort: number }> = {
  'batch-service': { start: startBatchService, metricsPort: 9101 },
  'task-worker': { start: startTaskWorker, metricsPort: 9102 },
  'bulk-processor': { start: startBulkProcessor, metricsPort: 9103 },
  gateway: { start: startGateway, metricsPort: 9104 },
};

export interface Launched {
  infra: Infrastructure;
  apps: RunningApp[];
  stop(): Promise<void>;
}

export async function launch(names: readonly string[], config: RuntimeConfig = loadConfig()): Promise<Launched> {
  const selected = names.includes('all') ? Object.keys(apps) : names;
  const unknown = selected.filter((n) => !apps[n]);
  if (unknown.length || selected.length === 0) {
    throw new Error(`usage: launch all | ${Object.keys(apps).join(' | ')} (unknown: ${unknown.join(', ') || 'none given'})`);
  }
  const ordered = Object.keys(apps).filter((n) => selected.includes(n));
  const infra = new Infrastructure(config);
  const running: RunningApp[] = [];
  try {
    for (const name of ordered) running.push(await apps[name].start(infra));
    running.push(await serveOpsEndpoint(infra, config.metricsPort ?? apps[ordered[0]].metricsPort));
  } catch (error) {
    await stopAll(infra, running);
    throw error;
  }
  return { infra, apps: running, stop: () => stopAll(infra, running) };
}

async function stopAll(infra: Infrastructure, running: RunningApp[]): Promise<void> {
  for (const app of [...running].reverse()) {
    await app.stop().catch((err) => infra.logger.error({ err, app: app.name }, 'stop failed'));
  }
  await infra.close();
}

/**
 * Where a process started with port 0 tells its supervisor the ports it got, once every app is up: a port picked
 * free beforehand can be taken by someone else (any outgoing connection's ephemeral port) before the app listens.
 * Written whole, then renamed, so a reader never sees half of it.
 */
function announceReady(file: string, launched: Launched): void {
  const apps = launched.apps.filter((a) => a.url).map((a) => ({ name: a.name, url: a.url }));
  writeFileSync(`${file}.tmp`, JSON.stringify({ pid: process.pid, apps }));
  renameSync(`${file}.tmp`, file);
}

if (require.main === module) {
  launch(process.argv.slice(2)).then(
    (launched) => {
      if (process.env.BATCHYARD_READY_FILE) announceReady(process.env.BATCHYARD_READY_FILE, launched);
      let stopping = false;
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.on(signal, () => {
          if (stopping) return;
          stopping = true;
          void launched.stop().then(() => process.exit(0));
        });
      }
    },
    (error) => {
      // A refusal that says what to do is for an operator: its message alone, without the stack.
      console.error(error instanceof ForeignReadStoreError ? error.message : error);
      process.exit(1);
    },
  );
}
