import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EventStore } from '@batchyard/event-store';
import { applyEvents, type ProjectionDefinition } from '@batchyard/projections';
import { openReadStore, type Doc, type ReadStore } from '@batchyard/read-store';

const byId = (docs: Doc[]) => docs.sort((a, b) => (a._id < b._id ? -1 : 1));

/**
 * Asserts that the live read models of `definitions` equal, document by document, a rebuild of them from the
 * events alone into a scratch store.
 */
export async function expectReadModelsEqualRebuild(events: EventStore, live: ReadStore, definitions: readonly ProjectionDefinition[]): Promise<void> {
  const rebuildDir = await mkdtemp(path.join(tmpdir(), 'batchyard-rebuild-'));
  const rebuilt = await openReadStore({ dataDir: rebuildDir });
  try {
    for (const definition of definitions) {
      const targets = new Map(definition.collections.map((c) => [c.name, `rebuilt_${c.name}`]));
      for (let after = 0; ; ) {
        const page = await events.readAll({ after, maxCount: 500, eventTypes: definition.eventTypes });
        if (page.length === 0) break;
        await applyEvents(rebuilt, definition, targets, page);
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
