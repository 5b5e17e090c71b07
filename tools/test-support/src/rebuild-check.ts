import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EventStore } from '@batchyard/event-store';
import { applyEvents, applyUntilFailure, type ProjectionDefinition } from '@batchyard/projections';
import { openReadStore, type Doc, type ReadStore } from '@batchyard/read-store';

const byId = (docs: Doc[]) => docs.sort((a, b) => (a._id < b._id ? -1 : 1));

/**
 * Asserts that the live read models of `definitions` equal, document by document, a rebuild of them from the
 * events alone into a scratch store. An event a projection cannot apply is left out, as a rebuild parks it, but
 * only at the positions in `leftOut` (a projection's event that fails anywhere else fails the check).
 */
export async function expectReadModelsEqualRebuild(
  events: EventStore,
  live: ReadStore,
  definitions: readonly ProjectionDefinition[],
  { leftOut = [] }: { leftOut?: readonly number[] } = {},
): Promise<void> {
  const rebuildDir = await mkdtemp(path.join(tmpdir(), 'batchyard-rebuild-'));
  const rebuilt = await openReadStore({ dataDir: rebuildDir });
  try {
    for (const definition of definitions) {
      const targets = new Map(definition.collections.map((c) => [c.name, `rebuilt_${c.name}`]));
      for (let after = 0; ;) {
        const page = await events.readAll({ after, maxCount: 500, eventTypes: definition.eventTypes });
        if (page.length === 0) break;
        for (let rest = page; rest.length;) {
          const { applied, failed } = await applyUntilFailure(rest, (run) => applyEvents(rebuilt, definition, targets, run));
          if (!failed) break;
          if (!leftOut.includes(failed.item.position)) throw failed.error;
          rest = rest.slice(applied + 1);
        }
        after = page[page.length - 1].position;
      }
      for (const [logical, physical] of targets) {
        expect(byId(await live.collection(logical).find({}))).toEqual(byId(await rebuilt.physical(physical).find({})));
      }
    }
  } finally {
    await rebuilt.close();
    await rm(rebuildDir, { recursive: true, force: true });
  }
}
