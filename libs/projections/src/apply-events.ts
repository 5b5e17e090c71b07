import type { RecordedEvent } from '@batchyard/contracts';
import type { ReadStore, WriteOp } from '@batchyard/read-store';
import type { ProjectionDefinition } from './projection-definition';

/**
 * Most ops held before they are written. An event can stand for many documents (a task chunk's 10,000 Thngs), and
 * a projection that lags behind reads pages of many such events: without a bound, a page's ops filled a gigabyte.
 */
const MAX_PENDING_OPS = 20_000;

/**
 * Applies a page of events: a bulk write per collection for each run of events with up to MAX_PENDING_OPS ops, each
 * op guarded by its event's position (so a page cut short by a crash is simply applied again).
 */
export async function applyEvents(readStore: ReadStore, definition: ProjectionDefinition, targets: ReadonlyMap<string, string>, events: readonly RecordedEvent[]): Promise<void> {
  let byTarget = new Map<string, WriteOp[]>();
  let pending = 0;
  const flush = async () => {
    for (const [target, ops] of byTarget) {
      await readStore.physical(target).bulkWrite(ops);
      // A turn of the event loop after each large write, so the other projections of the thread keep up (see CheckpointedProcessor).
      await new Promise((resolve) => setImmediate(resolve));
    }
    byTarget = new Map();
    pending = 0;
  };
  for (const event of events) {
    for (const { collection, op } of definition.apply(event)) {
      const target = targets.get(collection);
      if (!target) throw new Error(`projection ${definition.name} wrote to undeclared collection ${collection}`);
      let ops = byTarget.get(target);
      if (!ops) byTarget.set(target, (ops = []));
      ops.push({ ...op, position: event.position });
      pending++;
    }
    if (pending >= MAX_PENDING_OPS) await flush();
  }
  await flush();
}
