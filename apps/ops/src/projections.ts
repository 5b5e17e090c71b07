import type { EventStore } from '@batchyard/event-store';
import {
  Checkpoints,
  Leases,
  ProcessorControls,
  projectionCheckpoint,
  type ProjectionDefinition,
} from '@batchyard/projections';
import { Projections } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';
import { RELAY_CHECKPOINT } from '../../batch-service/src/relay/event-relay';

export interface ProjectionStatus {
  name: string;
  version: number;
  generation: number;
  checkpoint: number;
  /** Positions between the checkpoint and the store's head. */
  lag: number;
  status: 'running' | 'rebuilding' | 'stopped';
  /** The physical collections the logical ones point at. */
  targets: string[];
}

export class UnknownProjectionError extends Error {
  constructor(name: string, known: readonly string[]) {
    super(`unknown projection ${name} (known: ${known.join(', ')})`);
    this.name = 'UnknownProjectionError';
  }
}

export function projectionsNamed(name: string | undefined, all: boolean): ProjectionDefinition[] {
  if (all) return [...Projections];
  if (!name) throw new Error('give a projection name or --all');
  const found = Projections.find((p) => p.name === name);
  if (!found) throw new UnknownProjectionError(String(name ?? ''), Projections.map((p) => p.name));
  return [found];
}

const held = (lease: { expiresAt: number } | undefined) => Boolean(lease && lease.expiresAt > Date.now());

export async function projectionStatuses(events: EventStore, readStore: ReadStore): Promise<ProjectionStatus[]> {
  const head = await events.headPosition();
  const checkpoints = new Checkpoints(readStore);
  const leases = new Leases(readStore);
  const controls = new ProcessorControls(readStore);
  const statuses: ProjectionStatus[] = [];
  for (const definition of Projections) {
    const name = projectionCheckpoint(definition);
    const checkpoint = await checkpoints.get(name);
    const status = held(await leases.holder(`rebuild:${name}`)) ? 'rebuilding' : held(await leases.holder(name)) ? 'running' : 'stopped';
    const targets: string[] = [];
    for (const c of definition.collections) targets.push(await readStore.target(c.name));
    statuses.push({
      name: definition.name,
      version: definition.version,
      generation: (await controls.get(name))?.generation ?? 0,
      checkpoint,
      lag: Math.max(0, head - checkpoint),
      status,
      targets,
    });
  }
  return statuses;
}

/** What `replay` can rewind: every projection, and the relay (which then publishes those events again). */
export function replayCheckpoint(name: string): string {
  if (name === 'relay') return RELAY_CHECKPOINT;
  const known = [...Projections.map((p) => p.name), 'relay'];
  const definition = Projections.find((p) => p.name === name);
  if (!definition) throw new UnknownProjectionError(name, known);
  return projectionCheckpoint(definition);
}

/**
 * Asks the lease holder to reprocess from `from` (exclusive). Projection writes are position-guarded,
 * so this restores what is missing or older than the events without undoing anything newer.
 */
export async function requestReplay(readStore: ReadStore, name: string, from: number): Promise<void> {
  await new ProcessorControls(readStore).requestRewind(replayCheckpoint(name), from);
}
