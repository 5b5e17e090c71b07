import { InvalidPositionError, type EventStore } from '@batchyard/event-store';
import { Checkpoints, Leases, ProcessorControls, projectionCheckpoint, type CheckpointDoc, type ProjectionDefinition } from '@batchyard/projections';
import { Projections } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';
import { installationProcessors, RELAY_CHECKPOINT } from '@batchyard/runtime';

export type ProcessorStatus = 'running' | 'degraded' | 'stalled' | 'rebuilding' | 'stopped';

export interface ProjectionStatus {
  name: string;
  /** A projection's; the relay has none. */
  version?: number;
  generation?: number;
  checkpoint: number;
  /** Positions between the checkpoint and the store's head. */
  lag: number;
  status: ProcessorStatus;
  /** Events parked or held (`ops parked list`). */
  parked: number;
  /** The physical collections the logical ones point at. */
  targets: string[];
}

/** Behind the head without advancing for this long, while its lease is held: stalled, whatever the processor says. */
export const STALLED_AFTER_MS = 30_000;

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
  if (!found)
    throw new UnknownProjectionError(
      String(name ?? ''),
      Projections.map((p) => p.name),
    );
  return [found];
}

export const held = (lease: { expiresAt: number } | undefined) => Boolean(lease && lease.expiresAt > Date.now());

/** Each projection, then the relay: where it is and whether it is well, from the stores alone. */
export async function projectionStatuses(events: EventStore, readStore: ReadStore): Promise<ProjectionStatus[]> {
  const head = await events.headPosition();
  const checkpoints = new Checkpoints(readStore);
  const leases = new Leases(readStore);
  const controls = new ProcessorControls(readStore);
  const statuses: ProjectionStatus[] = [];
  for (const { name, checkpoint: processor } of installationProcessors()) {
    const definition = Projections.find((p) => projectionCheckpoint(p) === processor);
    const state = await checkpoints.doc(processor);
    const lag = Math.max(0, head - state.position);
    const rebuilding = held(await leases.holder(`rebuild:${processor}`));
    const running = held(await leases.holder(processor));
    const parked = state.parked ?? 0;
    let status: ProcessorStatus = rebuilding ? 'rebuilding' : !running ? 'stopped' : parked ? 'degraded' : 'running';
    if (running && !rebuilding && (state.stalledSince || (lag > 0 && (await standingStill(events, state))))) status = 'stalled';
    const targets: string[] = [];
    for (const c of definition?.collections ?? []) targets.push(await readStore.target(c.name));
    statuses.push({
      name,
      ...(definition && { version: definition.version, generation: (await controls.get(processor))?.generation ?? 0 }),
      checkpoint: state.position,
      lag,
      status,
      parked,
      targets,
    });
  }
  return statuses;
}

/** The checkpoint has not moved for a while, and the first event after it has waited as long. */
async function standingStill(events: EventStore, state: CheckpointDoc): Promise<boolean> {
  const since = Date.now() - STALLED_AFTER_MS;
  if (Date.parse(state.updatedAt) > since) return false;
  try {
    const [next] = await events.readAll({ after: state.position, maxCount: 1 });
    return next !== undefined && Date.parse(next.occurredAt) <= since;
  } catch (error) {
    // A checkpoint that is no position of the store: the processor cannot read on from it.
    if (error instanceof InvalidPositionError) return true;
    throw error;
  }
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
 * `replay --from` takes only a position of the store: 0 or an event's (KurrentDB's positions are byte offsets, so a
 * number between two events' is none, and a processor rewound to it could not read on).
 */
export async function requirePosition(events: EventStore, from: number): Promise<void> {
  try {
    await events.readAll({ after: from, maxCount: 1 });
  } catch (error) {
    if (!(error instanceof InvalidPositionError)) throw error;
    throw new Error(`${from} is not a position of the event store: give 0 or the position of an event (a checkpoint of \`ops projections list\`, or an event's position)`);
  }
}

/**
 * Asks the lease holder to reprocess from `from` (exclusive). Projection writes are position-guarded,
 * so this restores what is missing or older than the events without undoing anything newer.
 */
export async function requestReplay(readStore: ReadStore, name: string, from: number): Promise<void> {
  await new ProcessorControls(readStore).requestRewind(replayCheckpoint(name), from);
}
