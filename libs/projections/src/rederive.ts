import { randomBytes } from 'node:crypto';
import type { EventStore } from '@batchyard/event-store';
import type { RecordedEvent } from '@batchyard/contracts';
import type { ReadStore, WriteOp } from '@batchyard/read-store';
import type { ParkedReapply } from './checkpointed-processor';
import { applyUntilFailure } from './failure-isolation';
import type { ProjectionDefinition, ProjectionWrite } from './projection-definition';
import { applyEvents } from './apply-events';

const PAGE = 2000;

/** `<collection>/<id>`: how parked events name the documents they write. */
export const documentKey = (write: ProjectionWrite) => `${write.collection}/${write.op.id}`;

function byCollection(keys: Iterable<string>): Map<string, Set<string>> {
  const wanted = new Map<string, Set<string>>();
  for (const key of keys) {
    const slash = key.indexOf('/');
    const collection = key.slice(0, slash);
    if (!wanted.has(collection)) wanted.set(collection, new Set());
    wanted.get(collection)!.add(key.slice(slash + 1));
  }
  return wanted;
}

/**
 * Retry and skip of a projection's parked events. Every document those events write is computed again from the
 * whole history, as a rebuild would (the parked events left out or put in, the other parked events left out),
 * into a scratch collection, and then written over the live one. Re-applying the events alone would not do:
 * each write is guarded by its event's position, so a later event on the same document would make it skip.
 * Costs a read of every event of the projection's types up to the processor's position.
 */
export async function rederive(
  events: EventStore,
  readStore: ReadStore,
  definition: ProjectionDefinition,
  liveTargets: readonly ReadonlyMap<string, string>[],
  request: ParkedReapply,
): Promise<void> {
  const own = new Set(request.events.map((e) => e.position));
  // Documents the parked events write now (the code may have changed since they were parked), and those their records name.
  const keys = new Set(request.keys);
  for (const event of [...request.events, ...(request.skipped ? [request.skipped] : [])]) {
    try {
      definition.apply(event).forEach((w) => keys.add(documentKey(w)));
    } catch (error) {
      // Retrying needs the events readable; skipping applies what is, and its records name what the rest wrote.
      if (!request.skipped) throw error;
    }
  }
  const wanted = byCollection(keys);
  const tag = randomBytes(6).toString('hex');
  const scratch = new Map([...wanted.keys()].map((c) => [c, `_rederive_${tag}_${c}`]));
  // The projection, writing only those documents, into the scratch collections.
  const narrowed: ProjectionDefinition = {
    ...definition,
    apply(event) {
      try {
        return definition.apply(event).filter((w) => wanted.get(w.collection)?.has(w.op.id));
      } catch (error) {
        if (own.has(event.position)) throw error;
        return []; // an event this code cannot read: a rebuild leaves it out too (and parks it)
      }
    },
  };
  const left = (event: RecordedEvent) => request.excluded.has(event.position) || event.position === request.skipped?.position;
  try {
    for (let after = 0; after < request.upTo;) {
      const page = await events.readAll({ after, maxCount: PAGE, eventTypes: definition.eventTypes });
      if (page.length === 0) break;
      after = page[page.length - 1].position;
      for (let rest = page.filter((e) => e.position <= request.upTo && !left(e)); rest.length;) {
        const { applied, failed } = await applyUntilFailure(rest, (run) => applyEvents(readStore, narrowed, scratch, run));
        if (!failed) break;
        // Skipping drops what of the group cannot be applied; anything else failing aborts, the live documents untouched.
        if (!request.skipped || !own.has(failed.item.position)) throw failed.error;
        rest = rest.slice(applied + 1);
      }
    }
    for (const [collection, ids] of wanted) {
      const docs = await readStore.physical(scratch.get(collection)!).getMany([...ids]);
      const found = new Set(docs.map((d) => d._id));
      // Unguarded, keeping each document's `_position`: the next event on it applies as it would have.
      const ops: WriteOp[] = [
        ...docs.map(({ _id, ...doc }): WriteOp => ({ kind: 'put', id: _id, doc })),
        ...[...ids].filter((id) => !found.has(id)).map((id): WriteOp => ({ kind: 'delete', id })),
      ];
      for (const targets of liveTargets) {
        const target = targets.get(collection);
        if (target) await readStore.physical(target).bulkWrite(ops);
      }
    }
  } finally {
    for (const name of scratch.values()) await readStore.drop(name).catch(() => undefined);
  }
}
