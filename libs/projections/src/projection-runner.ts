import type { RecordedEvent } from '@batchyard/contracts';
import type { EventStore } from '@batchyard/event-store';
import type { ReadStore } from '@batchyard/read-store';
import { applyEvents } from './apply-events';
import { CheckpointedProcessor, type ProcessorOptions } from './checkpointed-processor';
import { ProcessorControls } from './processor-control';
import { generationOf, physicalName, type ProjectionDefinition } from './projection-definition';
import { documentKey, rederive } from './rederive';

/** The checkpoint of a projection version; the gateway waits on it for read-your-writes. */
export const projectionCheckpoint = (definition: Pick<ProjectionDefinition, 'name' | 'version'>) => `projection:${definition.name}@v${definition.version}`;

/**
 * How long a replaced generation is still written after the swap before it is dropped: longer than the
 * read store's target cache (1 s), so a process that still resolves the old target reads fresh documents.
 */
export const GENERATION_DROP_GRACE_MS = 2500;

/** Logical collection → physical collection of one generation. */
export function generationTargets(definition: ProjectionDefinition, generation: number): Map<string, string> {
  return new Map(definition.collections.map((c) => [c.name, physicalName(c.name, definition.version, generation)]));
}

/** What failure isolation needs to know of a projection's events: the documents each writes, and their collections. */
export function projectionIsolation(definition: ProjectionDefinition): Pick<ProcessorOptions, 'keysOf' | 'resourcesOf'> {
  return {
    keysOf: (event: RecordedEvent) => definition.apply(event).map(documentKey),
    resourcesOf: (event: RecordedEvent) => [...new Set(definition.apply(event).map((w) => w.collection))],
  };
}

/**
 * Runs one projection definition: follows the store from its checkpoint into the generation named by
 * its control document, and points each logical collection at that generation once caught up. When a
 * rebuild publishes a new generation, the runner replays from where the rebuild stopped into it, keeps
 * writing the old one until a grace period after the swap, then drops it: the rebuild and the runner
 * never write the same collection.
 */
export class ProjectionRunner {
  private readonly processor: CheckpointedProcessor;
  private generation = 0;
  private targets: Map<string, string>;
  /** The generation readers may still resolve, written alongside until it is dropped. */
  private trailing?: Map<string, string>;
  private swapped = false;
  private cleanupAt?: number;

  constructor(
    events: EventStore,
    private readonly readStore: ReadStore,
    private readonly definition: ProjectionDefinition,
    { onError, onParked, owner, isolation }: Pick<ProcessorOptions, 'onError' | 'onParked' | 'owner' | 'isolation'> = {},
  ) {
    this.targets = generationTargets(definition, 0);
    this.processor = new CheckpointedProcessor(events, readStore, {
      name: projectionCheckpoint(definition),
      owner,
      eventTypes: definition.eventTypes,
      handle: async (page) => {
        await applyEvents(readStore, definition, this.targets, page);
        if (this.trailing) await applyEvents(readStore, definition, this.trailing, page);
      },
      ...projectionIsolation(definition),
      reapply: (request) => rederive(events, readStore, definition, [this.targets, ...(this.trailing ? [this.trailing] : [])], request),
      isolation,
      onControl: (control) => this.follow(control.generation ?? 0),
      onCaughtUp: () => this.settle(),
      onError,
      onParked,
    });
  }

  async start(): Promise<void> {
    const control = await new ProcessorControls(this.readStore).get(projectionCheckpoint(this.definition));
    this.generation = control?.generation ?? 0;
    this.targets = generationTargets(this.definition, this.generation);
    await this.ensureIndexes();
    // Started during a hand-over: readers still resolve an older generation of this version until the swap.
    const older = new Map<string, string>();
    for (const c of this.definition.collections) {
      const read = generationOf(await this.readStore.target(c.name));
      if (read?.version === this.definition.version && read.generation < this.generation) {
        older.set(c.name, physicalName(c.name, read.version, read.generation));
      }
    }
    await this.trail(older);
    this.processor.start();
  }

  stop(): Promise<void> {
    return this.processor.stop();
  }

  get position(): number {
    return this.processor.position;
  }

  private async ensureIndexes(): Promise<void> {
    for (const c of this.definition.collections) {
      await this.readStore.physical(this.targets.get(c.name)!).ensureIndexes(c.indexes);
    }
  }

  private async follow(generation: number): Promise<void> {
    if (generation <= this.generation) return;
    const previous = this.targets;
    this.generation = generation;
    this.targets = generationTargets(this.definition, generation);
    await this.ensureIndexes();
    await this.trail(previous);
    this.swapped = false;
    // The rebuild handed over the events it parked in place of ours.
    await this.processor.reloadParked();
  }

  /** Keeps writing the given older generation only where readers still resolve it. */
  private async trail(older: ReadonlyMap<string, string>): Promise<void> {
    const read = new Map<string, string>();
    for (const [logical, physical] of older) {
      if (physical !== this.targets.get(logical) && (await this.readStore.target(logical)) === physical) read.set(logical, physical);
    }
    this.trailing = read.size ? read : undefined;
  }

  private async settle(): Promise<void> {
    if (!this.swapped) {
      for (const [logical, physical] of this.targets) {
        if ((await this.readStore.target(logical)) !== physical) await this.readStore.setTarget(logical, physical);
      }
      this.swapped = true;
      this.cleanupAt = Date.now() + GENERATION_DROP_GRACE_MS;
    }
    if (this.cleanupAt !== undefined && Date.now() >= this.cleanupAt) {
      for (const name of await olderGenerations(this.readStore, this.definition, this.generation)) await this.readStore.drop(name);
      this.trailing = undefined;
      this.cleanupAt = undefined;
    }
  }
}

/** Physical collections of this projection version from generations before `generation`. */
export async function olderGenerations(readStore: ReadStore, definition: ProjectionDefinition, generation: number): Promise<string[]> {
  const own = new Set(definition.collections.map((c) => c.name));
  return (await readStore.listCollections()).filter((name) => {
    const parsed = generationOf(name);
    return parsed !== undefined && own.has(parsed.collection) && parsed.version === definition.version && parsed.generation < generation;
  });
}
