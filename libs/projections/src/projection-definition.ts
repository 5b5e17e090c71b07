import type { EventDefinition, RecordedEvent, RecordedOf } from '@batchyard/contracts';
import type { IndexSpec, WriteOp } from '@batchyard/read-store';

/** One write a projection asks for; the runner adds the event's position as the guard. */
export interface ProjectionWrite {
  collection: string;
  op: WriteOp;
}

/**
 * A projection is data, not a process: its name, version, the events it reads, the collections it
 * owns (logical names, with their indexes) and a pure `apply`. Bumping `version` makes the runner
 * build a new physical copy from the start and swap it in once caught up.
 */
export interface ProjectionDefinition {
  name: string;
  version: number;
  eventTypes: readonly string[];
  collections: readonly { name: string; indexes: readonly IndexSpec[] }[];
  apply(event: RecordedEvent): ProjectionWrite[];
}

/** A projection as written: the contracts it reads, and an `apply` that gets their events typed. */
export type ProjectionOf<Events extends readonly EventDefinition[]> = Omit<ProjectionDefinition, 'eventTypes' | 'apply'> & {
  events: Events;
  apply(event: RecordedOf<Events[number]>): ProjectionWrite[];
};

/** The runner reads only `eventTypes`, taken from the same contracts that type `apply`, so the two cannot drift. */
export function defineProjection<const Events extends readonly EventDefinition[]>({ events, ...definition }: ProjectionOf<Events>): ProjectionDefinition {
  return { ...definition, eventTypes: events.map((e) => e.type) };
}

export function physicalName(collection: string, version: number, generation = 0): string {
  return generation ? `${collection}__v${version}_g${generation}` : `${collection}__v${version}`;
}

/** The inverse of `physicalName`, or undefined for a name it did not make. */
export function generationOf(name: string): { collection: string; version: number; generation: number } | undefined {
  const match = /^(.+)__v(\d+)(?:_g(\d+))?$/.exec(name);
  return match ? { collection: match[1], version: Number(match[2]), generation: Number(match[3] ?? 0) } : undefined;
}
