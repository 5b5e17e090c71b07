import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@batchyard/contracts';
import type { EventStore } from '@batchyard/event-store';
import type { ReadStore } from '@batchyard/read-store';
import { Checkpoints } from './checkpoints';
import { Leases } from './leases';
import { ProcessorControls, type ProcessorControl } from './processor-control';

export interface ProcessorOptions {
  /** Checkpoint and lease name. */
  name: string;
  /**
   * Who holds the lease; by default one of its own. A processor started again in place of one known dead
   * (a restarted thread) passes the same owner, so it takes the lease over at once instead of when it expires.
   */
  owner?: string;
  eventTypes?: readonly string[];
  /** Handles one page of events in position order; must be idempotent (a crash replays the page). */
  handle: (events: RecordedEvent[]) => Promise<void>;
  /** Called each time the processor has read everything there was (after its first catch-up too). */
  onCaughtUp?: (position: number) => Promise<void>;
  /** Told of the processor's control document (a projection's generation) before a rewind it asks for applies. */
  onControl?: (control: ProcessorControl) => Promise<void>;
  batchSize?: number;
  idlePollMs?: number;
  leaseTtlMs?: number;
  onError?: (error: unknown) => void;
}

/** How often the lease holder looks for control requests (rewinds, generations). */
const CONTROL_POLL_MS = 250;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Follows the event store from a checkpoint kept in the read store, one active instance per name
 * (a lease), handing pages of events to `handle` and saving the checkpoint after each. The same
 * machinery runs projections and the Kafka relay.
 */
export class CheckpointedProcessor {
  readonly owner: string;
  private readonly checkpoints: Checkpoints;
  private readonly leases: Leases;
  private readonly controls: ProcessorControls;
  private abort = new AbortController();
  private loop?: Promise<void>;
  private current = 0;

  constructor(
    private readonly events: EventStore,
    readStore: ReadStore,
    private readonly options: ProcessorOptions,
  ) {
    this.owner = options.owner ?? randomUUID();
    this.checkpoints = new Checkpoints(readStore);
    this.leases = new Leases(readStore);
    this.controls = new ProcessorControls(readStore);
  }

  get position(): number {
    return this.current;
  }

  start(): void {
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    await this.leases.release(this.options.name, this.owner).catch(() => undefined);
  }

  private async run(signal: AbortSignal): Promise<void> {
    const { name, batchSize = 1000, idlePollMs = 20, leaseTtlMs = 10_000 } = this.options;
    let leaseRenewedAt = 0;
    let controlReadAt = 0;
    while (!signal.aborted) {
      try {
        if (Date.now() - leaseRenewedAt > leaseTtlMs / 3) {
          if (!(await this.leases.tryAcquire(name, this.owner, leaseTtlMs))) {
            await sleep(leaseTtlMs / 3, signal);
            continue;
          }
          if (leaseRenewedAt === 0) controlReadAt = 0;
          leaseRenewedAt = Date.now();
          this.current = await this.checkpoints.get(name);
        }
        if (Date.now() - controlReadAt >= CONTROL_POLL_MS) {
          await this.applyControl(name);
          controlReadAt = Date.now();
        }
        // Read the head first: when a filtered page comes back short, nothing of ours lies before it.
        const head = await this.events.headPosition();
        const page = await this.events.readAll({ after: this.current, maxCount: batchSize, eventTypes: this.options.eventTypes });
        if (page.length > 0) {
          await this.options.handle(page);
          this.current = page[page.length - 1].position;
          // Embedded stores answer synchronously: without a turn of the event loop, a processor that always finds
          // more to do would starve the others of its thread (every read model behind a million-item task).
          await new Promise((resolve) => setImmediate(resolve));
        }
        if (page.length < batchSize) {
          const reached = Math.max(this.current, head);
          // Caught-up work (a projection's target swap) happens before the checkpoint says so.
          await this.options.onCaughtUp?.(reached);
          if (reached !== this.current || page.length > 0) {
            this.current = reached;
            await this.checkpoints.save(name, reached);
          }
          if (page.length === 0) await sleep(idlePollMs, signal);
        } else {
          await this.checkpoints.save(name, this.current);
        }
      } catch (error) {
        this.options.onError?.(error);
        controlReadAt = 0;
        leaseRenewedAt = 0;
        await sleep(500, signal);
      }
    }
  }

  private async applyControl(name: string): Promise<void> {
    const control = await this.controls.get(name);
    if (!control) return;
    await this.options.onControl?.(control);
    if (control.rewindTo === undefined) return;
    this.current = Math.min(this.current, control.rewindTo);
    // Saved before the request is cleared, so a lease renewal (which re-reads the checkpoint) cannot undo it.
    await this.checkpoints.save(name, this.current);
    await this.controls.clearRewind(name, control.rewindTo);
  }
}
