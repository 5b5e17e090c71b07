import { randomUUID } from 'node:crypto';
import { extname, join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { startWorkerThread, type RuntimeConfig } from '@batchyard/runtime';

const RESTART_DELAY_MS = 1000;

/**
 * Runs the projections in a thread of their own. A bulk merge's resource writes cost as much as the raw
 * inserts they are; on the main thread they queued behind the gateway, the command handler, the relay and
 * the bulk processor, on a machine with a second core idle. The thread talks to the rest through the
 * stores alone (checkpoints wake waiters across threads, see libs/projections/checkpoints.ts), so it runs
 * the same in both modes. If it dies, it is started again: the runners take their leases back and resume
 * from their checkpoints.
 */
export class ProjectionsThread {
  private current?: Worker;
  private stopping = false;
  private restart?: NodeJS.Timeout;
  /** The lease owner of this process's projection runners, kept across restarts of the thread. */
  private readonly owner = randomUUID();

  private constructor(
    private readonly config: RuntimeConfig,
    private readonly logger: Logger,
  ) {}

  static async start(config: RuntimeConfig, logger: Logger): Promise<ProjectionsThread> {
    const thread = new ProjectionsThread(config, logger);
    await thread.spawn();
    return thread;
  }

  /** The thread running now (undefined between a death and its restart). */
  get worker(): Worker | undefined {
    return this.current;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restart);
    const worker = this.current;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.once('message', () => void worker.terminate());
      worker.postMessage('stop');
    });
  }

  private spawn(): Promise<void> {
    const worker = startWorkerThread(join(__dirname, `projections.thread${extname(__filename)}`), { config: this.config, owner: this.owner });
    this.current = worker;
    return new Promise<void>((resolve, reject) => {
      let started = false;
      worker.once('message', () => {
        started = true;
        resolve();
      });
      worker.on('error', (error) => {
        if (!started) reject(error);
        else this.logger.error({ err: error }, 'projections thread failed');
      });
      worker.once('exit', (code) => {
        if (this.current === worker) this.current = undefined;
        if (this.stopping || !started) return;
        this.logger.error({ code }, `projections thread ended; starting it again in ${RESTART_DELAY_MS} ms`);
        this.respawnLater();
      });
    });
  }

  private respawnLater(): void {
    this.restart = setTimeout(() => {
      if (this.stopping) return;
      this.spawn().catch((err) => {
        this.logger.error({ err }, 'projections thread did not start');
        this.respawnLater();
      });
    }, RESTART_DELAY_MS);
  }
}
