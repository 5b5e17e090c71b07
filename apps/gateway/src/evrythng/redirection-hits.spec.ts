import type { Collection, KeptStateStore, WriteOp } from '@batchyard/read-store';
import { RedirectionHits } from './redirection-reads';

/** A kept collection in memory that records its bulk writes and can be made to fail. */
function keptInMemory() {
  const docs = new Map<string, { _id: string; hits: number }>();
  const writes: WriteOp[][] = [];
  let failing = false;
  const collection = {
    get: async (id: string) => docs.get(id),
    bulkWrite: async (ops: readonly WriteOp[]) => {
      if (failing) throw new Error('store down');
      writes.push([...ops]);
      for (const op of ops) {
        if (op.kind === 'delete') docs.delete(op.id);
        if (op.kind === 'patch') docs.set(op.id, { _id: op.id, hits: (docs.get(op.id)?.hits ?? 0) + (op.inc?.hits ?? 0) });
      }
      return { applied: ops.length };
    },
  } as unknown as Collection;
  const store: KeptStateStore = { kept: () => collection as never };
  return { store, docs, writes, fail: (on: boolean) => (failing = on) };
}

describe('redirection hits', () => {
  it('counts hits in memory, readable at once, and writes them as one bulk write of increments', async () => {
    const kept = keptInMemory();
    const hits = new RedirectionHits(kept.store, 60_000);
    for (let i = 0; i < 5; i++) hits.hit('TN.gg', 'abc');
    hits.hit('tn.gg', 'xyz');
    expect(kept.writes).toEqual([]);
    expect(await hits.of('tn.gg', 'abc')).toBe(5);
    await hits.flush();
    expect(kept.writes).toEqual([
      [
        { kind: 'patch', id: 'tn.gg/abc', inc: { hits: 5 }, upsert: true },
        { kind: 'patch', id: 'tn.gg/xyz', inc: { hits: 1 }, upsert: true },
      ],
    ]);
    hits.hit('tn.gg', 'abc');
    expect(await hits.of('tn.gg', 'abc')).toBe(6);
    await hits.flush();
    expect(kept.docs.get('tn.gg/abc')?.hits).toBe(6);
    await hits.flush();
    expect(kept.writes).toHaveLength(2);
  });

  it('keeps the counts of a failed write for the next one', async () => {
    const kept = keptInMemory();
    const hits = new RedirectionHits(kept.store, 60_000);
    hits.hit('tn.gg', 'abc');
    kept.fail(true);
    await hits.flush();
    expect(await hits.of('tn.gg', 'abc')).toBe(1);
    kept.fail(false);
    hits.hit('tn.gg', 'abc');
    await hits.flush();
    expect(kept.docs.get('tn.gg/abc')?.hits).toBe(2);
  });

  it('forgets a deleted redirection’s count, written and unwritten', async () => {
    const kept = keptInMemory();
    const hits = new RedirectionHits(kept.store, 60_000);
    hits.hit('tn.gg', 'abc');
    await hits.flush();
    hits.hit('tn.gg', 'abc');
    await hits.forget('tn.gg', 'abc');
    expect(await hits.of('tn.gg', 'abc')).toBe(0);
    await hits.flush();
    expect(kept.docs.has('tn.gg/abc')).toBe(false);
  });

  it('writes on its own within flushMs', async () => {
    const kept = keptInMemory();
    const hits = new RedirectionHits(kept.store, 20);
    hits.hit('tn.gg', 'abc');
    await new Promise((r) => setTimeout(r, 200));
    expect(kept.docs.get('tn.gg/abc')?.hits).toBe(1);
  });
});
