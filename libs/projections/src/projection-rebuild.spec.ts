import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent, RecordedEvent } from '@batchyard/contracts';
import { openEventStore, type EventStore } from '@batchyard/event-store';
import { openReadStore, type ReadStore, type WriteOp } from '@batchyard/read-store';
import { physicalName, type ProjectionDefinition } from './projection-definition';
import { rebuildProjection } from './projection-rebuild';
import { ProjectionRunner } from './projection-runner';

const counted = (key: string, n: number): NewEvent => ({
  eventId: randomUUID(),
  type: 'Counted',
  version: 1,
  tenant: 't',
  correlationId: 'c',
  causationId: 'c',
  occurredAt: new Date().toISOString(),
  data: { key, n },
});

const Counters: ProjectionDefinition = {
  name: 'counters',
  version: 1,
  eventTypes: ['Counted'],
  collections: [{ name: 'counters', indexes: [] }],
  apply: (event: RecordedEvent) => {
    const { key, n } = event.data as { key: string; n: number };
    return [{ collection: 'counters', op: { kind: 'put', id: key, doc: { n } } }];
  },
};

/** `at`: the write's place in the one log both writers share. */
type Write = { writer: 'runner' | 'rebuild'; target: string; at: number };

/** The same store, with every bulk write to a projection collection or control document logged under the writer's name. */
function logged(store: ReadStore, writer: Write['writer'], log: Write[]): ReadStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'physical') return Reflect.get(target, property, receiver);
      return (name: string) => {
        const collection = target.physical(name);
        return new Proxy(collection, {
          get(c, p, r) {
            if (p !== 'bulkWrite') return Reflect.get(c, p, r);
            return async (ops: readonly WriteOp[]) => {
              if (name.startsWith('counters') || name === '_processor_control') log.push({ writer, target: name, at: log.length });
              return c.bulkWrite(ops);
            };
          },
        });
      };
    },
  });
}

describe('projection rebuild', () => {
  let dir: string;
  let events: EventStore;
  let readStore: ReadStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rebuild-'));
    events = await openEventStore({ dataDir: dir });
    readStore = await openReadStore({ dataDir: dir });
  });
  afterEach(async () => {
    await events.close();
    await readStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never writes a collection the live runner writes, and loses nothing appended meanwhile', async () => {
    const log: Write[] = [];
    for (let i = 0; i < 200; i++) await events.append(`c-${i % 20}`, [counted(`k${i % 20}`, i)], 'any');
    const runner = new ProjectionRunner(events, logged(readStore, 'runner', log), Counters);
    await runner.start();

    let appending = true;
    let appended = 200;
    const appends = (async () => {
      while (appending) {
        await events.append(`c-${appended % 30}`, [counted(`k${appended % 30}`, appended)], 'any');
        appended++;
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const result = await rebuildProjection(events, logged(readStore, 'rebuild', log), Counters, { batchSize: 20 });
    appending = false;
    await appends;
    const head = await events.headPosition();
    const deadline = Date.now() + 10_000;
    while (runner.position < head && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await runner.stop();

    const gen1 = physicalName('counters', 1, 1);
    const handOver = log.find((w) => w.writer === 'rebuild' && w.target === '_processor_control')!.at;
    expect(result.generation).toBe(1);
    expect(log.filter((w) => w.writer === 'rebuild' && w.target !== '_processor_control').every((w) => w.target === gen1 && w.at < handOver)).toBe(true);
    expect(log.filter((w) => w.writer === 'runner' && w.target === gen1).every((w) => w.at > handOver)).toBe(true);
    expect(log.some((w) => w.writer === 'runner' && w.target === gen1)).toBe(true);

    // Every key ends at its last appended value, including those appended during the rebuild.
    const expected = new Map<string, number>();
    for (const e of await events.readAll({ after: 0, maxCount: 100_000 })) {
      const { key, n } = e.data as { key: string; n: number };
      expected.set(key, n);
    }
    const docs = await readStore.collection('counters').find({});
    expect(Object.fromEntries(docs.map((d) => [d._id, d.n]))).toEqual(Object.fromEntries(expected));
    expect(expected.size).toBe(30);
    expect(await readStore.target('counters')).toBe(gen1);
    expect(await readStore.listCollections()).not.toContain(physicalName('counters', 1));
  });

  it('refuses a second rebuild of the same projection while one runs', async () => {
    await events.append('c-1', [counted('k', 1)], 'any');
    const first = rebuildProjection(events, readStore, Counters);
    await expect(rebuildProjection(events, readStore, Counters)).rejects.toThrow(/already being rebuilt/);
    await first;
  });
});
