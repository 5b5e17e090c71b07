import type { RecordedEvent } from '@batchyard/contracts';
import type { EventStore } from '@batchyard/event-store';
import type { ReadStore, WriteOp } from '@batchyard/read-store';
import { CheckpointedProcessor } from './checkpointed-processor';
import { physicalName, type ProjectionDefinition } from './projection-definition';

/** The checkpoint of a projection version; the gateway waits on it for read-your-writes. */
export const projectionCheckpoint = (definition: Pick<ProjectionDefinition, 'name' | 'version'>) =>
  `projection:${definition.name}@v${definition.version}`;

/** Applies a page of events: one bulk write per collection, each op guarded by its event's position. */
export async function applyEvents(
  readStore: ReadStore,
  definition: ProjectionDefinition,
  targets: ReadonlyMap<string, string>,
  events: readonly RecordedEvent[],
): Promise<void> {
  const byTarget = new Map<string, WriteOp[]>();
  for (const event of events) {
    for (const { collection, op } of definition.apply(event)) {
      const target = targets.get(collection);
      if (!target) throw new Error(`projection ${definition.name} wrote to undeclared collection ${collection}`);
      let ops = byTarget.get(target);
      if (!ops) byTarget.set(target, (ops = []));
      ops.push({ ...op, position: event.position });
    }
  }
  for (const [target, ops] of byTarget) await readStore.physical(target).bulkWrite(ops);
}

/**
 * Runs one projection definition: makes sure its versioned collections and indexes exist, follows
 * the store from its checkpoint, and points each logical collection at this version once caught up.
 */
export class ProjectionRunner {
  private readonly processor: CheckpointedProcessor;
  private readonly targets: Map<string, string>;
  private swapped = false;

  constructor(
    events: EventStore,
    private readonly readStore: ReadStore,
    private readonly definition: ProjectionDefinition,
    onError?: (error: unknown) => void,
  ) {
    this.targets = new Map(definition.collections.map((c) => [c.name, physicalName(c.name, definition.version)]));
    this.processor = new CheckpointedProcessor(events, readStore, {
      name: projectionCheckpoint(definition),
      eventTypes: definition.eventTypes,
      handle: (page) => applyEvents(readStore, definition, this.targets, page),
      onCaughtUp: () => this.swapInOnce(),
      onError,
    });
  }

  async start(): Promise<void> {
    for (const c of this.definition.collections) {
      await this.readStore.physical(this.targets.get(c.name)!).ensureIndexes(c.indexes);
    }
    this.processor.start();
  }

  stop(): Promise<void> {
    return this.processor.stop();
  }

  get position(): number {
    return this.processor.position;
  }

  private async swapInOnce(): Promise<void> {
    if (this.swapped) return;
    for (const [logical, physical] of this.targets) {
      if ((await this.readStore.target(logical)) !== physical) await this.readStore.setTarget(logical, physical);
    }
    this.swapped = true;
  }
}
