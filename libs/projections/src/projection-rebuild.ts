import { randomUUID } from 'node:crypto';
import type { EventStore } from '@batchyard/event-store';
import type { ReadStore } from '@batchyard/read-store';
import { applyEvents } from './apply-events';
import { FailureIsolation, type IsolationPolicy } from './failure-isolation';
import { Leases } from './leases';
import { ParkedEvents } from './parked-events';
import { ProcessorControls } from './processor-control';
import type { ProjectionDefinition } from './projection-definition';
import { generationTargets, olderGenerations, projectionCheckpoint, projectionIsolation, ProjectionRunner } from './projection-runner';

export interface RebuildProgress {
  /** Position read up to, and the store head the rebuild aims for (grows while writes continue). */
  position: number;
  head: number;
  events: number;
}

export interface RebuildOptions {
  onProgress?: (progress: RebuildProgress) => void;
  batchSize?: number;
  /** How long to wait for the live runner (or a standby one here) to swap the rebuilt generation in. */
  swapTimeoutMs?: number;
  isolation?: IsolationPolicy;
}

export interface RebuildResult {
  generation: number;
  /** The position the rebuild read up to before handing over; the live runner replays from there. */
  builtUpTo: number;
  events: number;
  /** Events the rebuild could not apply, parked (or held) in place of those the projection had parked before. */
  parked: number;
}

const LEASE_TTL_MS = 30_000;

export class RebuildInProgressError extends Error {
  constructor(name: string) {
    super(`projection ${name} is already being rebuilt`);
    this.name = 'RebuildInProgressError';
  }
}

/**
 * Rebuilds a projection from the first event into a new physical generation, safe while the services
 * run: nobody else writes that generation until the rebuild hands it over (through the projection's
 * control document), and then only the live runner does, replaying from where the rebuild stopped. A
 * standby runner started here does the hand-over when no service runs the projection; it waits for
 * the lease otherwise. Events it cannot apply are parked as the live runner parks them, and replace the
 * projection's parked events at the hand-over: a fixed projection's rebuild leaves none.
 */
export async function rebuildProjection(events: EventStore, readStore: ReadStore, definition: ProjectionDefinition, options: RebuildOptions = {}): Promise<RebuildResult> {
  const { batchSize = 5000, swapTimeoutMs = 60_000 } = options;
  const checkpoint = projectionCheckpoint(definition);
  const leases = new Leases(readStore);
  const controls = new ProcessorControls(readStore);
  const lease = `rebuild:${checkpoint}`;
  const owner = randomUUID();
  if (!(await leases.tryAcquire(lease, owner, LEASE_TTL_MS))) throw new RebuildInProgressError(definition.name);

  let built: RebuildResult;
  const parked = new ParkedEvents(readStore);
  const parkedAs = `${checkpoint}~rebuild`;
  try {
    const generation = ((await controls.get(checkpoint))?.generation ?? 0) + 1;
    const targets = generationTargets(definition, generation);
    // The leftover of a rebuild that died before handing over.
    for (const target of targets.values()) await readStore.drop(target);
    await parked.ensureIndexes();
    await parked.remove((await parked.ofProcessor(parkedAs)).map((p) => p.id));
    const renew = () => leases.tryAcquire(lease, owner, LEASE_TTL_MS);
    const isolation = new FailureIsolation({
      processor: parkedAs,
      events,
      eventTypes: definition.eventTypes,
      parked,
      handle: (page) => applyEvents(readStore, definition, targets, page),
      ...projectionIsolation(definition),
      touchState: async () => {
        if (!(await renew())) throw new RebuildInProgressError(definition.name);
      },
      stillOwned: renew,
      onStalled: async () => undefined,
      onParked: async () => undefined,
      policy: options.isolation,
    });
    const running = new AbortController().signal;
    let position = 0;
    let count = 0;
    let renewedAt = Date.now();
    for (;;) {
      const head = await events.headPosition();
      const page = await events.readAll({ after: position, maxCount: batchSize, eventTypes: definition.eventTypes });
      if ((await isolation.apply(page, running)) < page.length) throw new RebuildInProgressError(definition.name);
      count += page.length;
      position = page.length ? page[page.length - 1].position : position;
      const last = page.length < batchSize;
      if (last) {
        position = Math.max(position, head);
        // Indexes built once over the finished documents cost a fraction of keeping them up to date on every
        // insert; nobody reads the generation before it is handed over, and applying events finds documents by id.
        for (const c of definition.collections) await readStore.physical(targets.get(c.name)!).ensureIndexes(c.indexes);
      }
      options.onProgress?.({ position, head: Math.max(head, position), events: count });
      if (last) break;
      if (Date.now() - renewedAt > LEASE_TTL_MS / 3) {
        if (!(await renew())) throw new RebuildInProgressError(definition.name);
        renewedAt = Date.now();
      }
    }
    await parked.handOver(parkedAs, checkpoint);
    await controls.publishGeneration(checkpoint, generation, position);
    built = { generation, builtUpTo: position, events: count, parked: isolation.count };
  } finally {
    await leases.release(lease, owner).catch(() => undefined);
  }

  const standby = new ProjectionRunner(events, readStore, definition);
  await standby.start();
  try {
    await waitForSwap(readStore, definition, built.generation, swapTimeoutMs);
  } finally {
    await standby.stop();
  }
  return built;
}

/** Resolves once every logical collection points at `generation` and the older generations are dropped. */
async function waitForSwap(readStore: ReadStore, definition: ProjectionDefinition, generation: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const targets = generationTargets(definition, generation);
  for (;;) {
    let done = (await olderGenerations(readStore, definition, generation)).length === 0;
    for (const [logical, physical] of targets) done &&= (await readStore.target(logical)) === physical;
    if (done) return;
    if (Date.now() > deadline) throw new Error(`projection ${definition.name}: generation ${generation} was not swapped in within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
