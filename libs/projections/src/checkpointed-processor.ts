import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@batchyard/contracts';
import { InvalidPositionError, type EventStore } from '@batchyard/event-store';
import { describeError, sleep } from '@batchyard/messaging';
import type { ReadStore } from '@batchyard/read-store';
import { Checkpoints } from './checkpoints';
import { FailureIsolation, type IsolationPolicy } from './failure-isolation';
import { Leases } from './leases';
import { ParkedEvents, type ParkedEvent } from './parked-events';
import { ProcessorControls, type ProcessorControl } from './processor-control';

/** A parked event to apply again (retry), or to leave out while applying what waits behind it (skip). */
export interface ParkedReapply {
  /** In position order: the parked event (unless skipped) and the events held behind it. */
  events: RecordedEvent[];
  skipped?: RecordedEvent;
  /** The documents their records name. */
  keys: string[];
  /** The processor's position: every event up to it is applied or parked. */
  upTo: number;
  /** Positions of the other parked events, which stay unapplied. */
  excluded: ReadonlySet<number>;
}

export interface ProcessorOptions {
  /** Checkpoint and lease name. */
  name: string;
  /**
   * Who holds the lease; by default one of its own. A processor started again in place of one known dead
   * (a restarted thread) passes the same owner, so it takes the lease over at once instead of when it expires.
   */
  owner?: string;
  eventTypes?: readonly string[];
  /** Handles events in position order; must be idempotent (a crash replays them, a probe handles one again). */
  handle: (events: RecordedEvent[]) => Promise<void>;
  /** The documents an event writes: later events writing one of them are held behind a parked one (failure-isolation.ts). */
  keysOf?: (event: RecordedEvent) => readonly string[];
  /** What an event needs besides the connection, so that a probe re-handles an event that needed the same. */
  resourcesOf?: (event: RecordedEvent) => readonly string[];
  /** Carries out `ops parked retry|skip`; by default handles the events to apply. */
  reapply?: (request: ParkedReapply) => Promise<void>;
  isolation?: IsolationPolicy;
  /** Called each time the processor has read everything there was (after its first catch-up too). */
  onCaughtUp?: (position: number) => Promise<void>;
  /** Told of the processor's control document (a projection's generation) before a rewind it asks for applies. */
  onControl?: (control: ProcessorControl) => Promise<void>;
  batchSize?: number;
  idlePollMs?: number;
  leaseTtlMs?: number;
  onError?: (error: unknown) => void;
  /** An event was parked (with the error) or held behind one (without). */
  onParked?: (entry: ParkedEvent, error?: unknown) => void;
}

/** How often the lease holder looks for control requests (rewinds, generations, parked-event requests). */
const CONTROL_POLL_MS = 250;
/** How long errors outside any event (reading the store, saving the checkpoint) last before the processor says it is stalled. */
const STALL_REPORT_MS = 5000;

/**
 * Follows the event store from a checkpoint kept in the read store, one active instance per name
 * (a lease), handing pages of events to `handle` and saving the checkpoint after each. An event it
 * cannot handle is parked and the processor goes on; a store that fails stalls it (failure-isolation.ts).
 * The same machinery runs projections and the Kafka relay.
 */
export class CheckpointedProcessor {
  readonly owner: string;
  private readonly checkpoints: Checkpoints;
  private readonly leases: Leases;
  private readonly controls: ProcessorControls;
  private readonly parked: ParkedEvents;
  private readonly isolation: FailureIsolation;
  private abort = new AbortController();
  private loop?: Promise<void>;
  private current = 0;
  private leaseRenewedAt = 0;
  private requestSeen?: string;
  private stalledInState = false;
  private indexed = false;
  /** A checkpoint the store refused as none of its positions: not read from again until it changes. */
  private refused?: number;

  constructor(
    private readonly events: EventStore,
    readStore: ReadStore,
    private readonly options: ProcessorOptions,
  ) {
    this.owner = options.owner ?? randomUUID();
    this.checkpoints = new Checkpoints(readStore);
    this.leases = new Leases(readStore);
    this.controls = new ProcessorControls(readStore);
    this.parked = new ParkedEvents(readStore);
    this.isolation = new FailureIsolation({
      processor: options.name,
      events,
      eventTypes: options.eventTypes,
      parked: this.parked,
      handle: options.handle,
      keysOf: options.keysOf,
      resourcesOf: options.resourcesOf,
      policy: options.isolation,
      touchState: () => this.checkpoints.save(options.name, this.current),
      stillOwned: () => this.renewLease(),
      onStalled: (since) => this.reportStall(since),
      onParked: async (entry, error) => {
        await this.checkpoints.setState(options.name, { parked: this.isolation.count });
        options.onParked?.(entry, error);
      },
    });
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

  /** Reads the parked events again (a rebuild handed over its own). */
  async reloadParked(): Promise<void> {
    await this.isolation.load();
    await this.checkpoints.setState(this.options.name, { parked: this.isolation.count });
  }

  private async renewLease(): Promise<boolean> {
    if (this.abort.signal.aborted) return false;
    const held = await this.leases.tryAcquire(this.options.name, this.owner, this.options.leaseTtlMs ?? 10_000);
    this.leaseRenewedAt = held ? Date.now() : 0;
    return held;
  }

  /**
   * Renews the lease while a page is handled: a page can take longer than the lease (a thousand chunk events over a
   * slow read store, a large publish), and another instance must not take over from a holder that is alive and working.
   */
  private async renewingLease<T>(work: Promise<T>): Promise<T> {
    let working = true;
    let timer: NodeJS.Timeout | undefined;
    let renewal: Promise<void> = Promise.resolve();
    const schedule = () => {
      if (!working) return;
      timer = setTimeout(
        () => {
          renewal = this.renewLease().then(
            () => schedule(),
            (error) => (this.options.onError?.(error), schedule()),
          );
        },
        (this.options.leaseTtlMs ?? 10_000) / 3,
      );
    };
    schedule();
    try {
      return await work;
    } finally {
      working = false;
      clearTimeout(timer);
      await renewal;
    }
  }

  private async reportStall(since: string | null): Promise<void> {
    await this.checkpoints.setState(this.options.name, { stalledSince: since });
    this.stalledInState = since !== null;
  }

  /** What a new lease holder reads: where to go on from, and what is parked. */
  private async takeOver(): Promise<void> {
    if (!this.indexed) await this.parked.ensureIndexes();
    this.indexed = true;
    const state = await this.checkpoints.doc(this.options.name);
    this.current = state.position;
    this.stalledInState = state.stalledSince !== undefined;
    this.requestSeen = undefined;
    await this.reloadParked();
  }

  private async run(signal: AbortSignal): Promise<void> {
    const { name, batchSize = 1000, idlePollMs = 20, leaseTtlMs = 10_000 } = this.options;
    let controlReadAt = 0;
    let failingSince: number | undefined;
    this.leaseRenewedAt = 0;
    while (!signal.aborted) {
      try {
        if (Date.now() - this.leaseRenewedAt > leaseTtlMs / 3) {
          const first = this.leaseRenewedAt === 0;
          if (!(await this.renewLease())) {
            await sleep(leaseTtlMs / 3, signal);
            continue;
          }
          if (first) {
            controlReadAt = 0;
            await this.takeOver();
          } else this.current = await this.checkpoints.get(name);
        }
        if (Date.now() - controlReadAt >= CONTROL_POLL_MS) {
          await this.applyControl(name);
          controlReadAt = Date.now();
        }
        if (this.current === this.refused) {
          await sleep(CONTROL_POLL_MS, signal);
          continue;
        }
        // Read the head first: when a filtered page comes back short, nothing of ours lies before it.
        const head = await this.events.headPosition();
        const page = await this.events.readAll({ after: this.current, maxCount: batchSize, eventTypes: this.options.eventTypes });
        if (page.length > 0) {
          const done = await this.renewingLease(this.isolation.apply(page, signal));
          if (done > 0) this.current = page[done - 1].position;
          if (done < page.length) {
            // Stopping, or the lease went to another: keep what is done.
            if (done > 0) await this.checkpoints.save(name, this.current);
            continue;
          }
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
          if (page.length === 0) await this.events.waitForAppend(this.current, idlePollMs, signal);
        } else {
          await this.checkpoints.save(name, this.current);
        }
        failingSince = undefined;
        if (this.stalledInState) await this.reportStall(null);
      } catch (error) {
        this.options.onError?.(error);
        if (error instanceof InvalidPositionError && error.position === this.current) {
          // Reading on from there fails the same way every time: stalled until an operator rewinds it
          // (`ops projections replay <name> --from <position>`) or a rebuild gives it another checkpoint.
          this.refused = this.current;
          if (!this.stalledInState) await this.reportStall(new Date().toISOString()).catch(() => undefined);
          continue;
        }
        failingSince ??= Date.now();
        if (!this.stalledInState && Date.now() - failingSince >= STALL_REPORT_MS) {
          await this.reportStall(new Date(failingSince).toISOString()).catch(() => undefined);
        }
        controlReadAt = 0;
        this.leaseRenewedAt = 0;
        await sleep(500, signal);
      }
    }
  }

  private async applyControl(name: string): Promise<void> {
    const control = await this.controls.get(name);
    if (!control) return;
    await this.options.onControl?.(control);
    if (control.parkedRequest !== undefined && control.parkedRequest !== this.requestSeen) {
      this.requestSeen = control.parkedRequest;
      await this.carryOutRequests();
    }
    if (control.rewindTo === undefined) return;
    this.current = Math.min(this.current, control.rewindTo);
    // Saved before the request is cleared, so a lease renewal (which re-reads the checkpoint) cannot undo it.
    await this.checkpoints.save(name, this.current);
    await this.controls.clearRewind(name, control.rewindTo);
  }

  /** `ops parked retry|skip`: each request is carried out on the parked event's whole group, or recorded as failed. */
  private async carryOutRequests(): Promise<void> {
    for (const request of await this.parked.requested(this.options.name)) {
      const group = this.isolation.groupOf(request.id);
      const root = group.find((e) => !e.heldBehind);
      try {
        if (!root) throw new Error(`${request.id} is not parked by the processor running ${this.options.name}`);
        const events = await Promise.all(group.map((entry) => this.eventOf(entry)));
        const skipped = request.request === 'skip' ? events.find((e) => e.position === root.position) : undefined;
        const inGroup = new Set(group.map((e) => e.position));
        const reapply = this.options.reapply ?? (({ events: toApply }: ParkedReapply) => this.options.handle(toApply));
        await reapply({
          events: events.filter((e) => e !== skipped),
          skipped,
          keys: [...new Set(group.flatMap((e) => e.keys ?? []))],
          upTo: this.current,
          excluded: new Set([...this.isolation.positions()].filter((p) => !inGroup.has(p))),
        });
        await this.parked.remove(group.map((e) => e.id));
      } catch (error) {
        await this.parked.failed(root ?? request, describeError(error).text);
        if (root && root.id !== request.id) await this.parked.failed(request, describeError(error).text);
        this.options.onError?.(error);
      }
      await this.reloadParked();
    }
  }

  /** From its stream: the position before it need not be one of the store's (KurrentDB's are byte offsets). */
  private async eventOf(entry: ParkedEvent): Promise<RecordedEvent> {
    const event = (await this.events.readStream(entry.stream)).find((e) => e.eventId === entry.eventId);
    if (event?.position !== entry.position) throw new Error(`event ${entry.eventId} is not at position ${entry.position}`);
    return event;
  }
}
