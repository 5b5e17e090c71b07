// `npm run bench`: rebuilds the resources projection over bulk-job chunks of BENCH_ITEMS items (default
// 1,000,000) in embedded mode, and compares its documents/s with a raw read of the same events plus a raw
// write of the same documents, measured in the same run (decisions.md, "Benchmarks": target ratio ≥ 0.5).
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ChunkProcessed, type NewEvent } from '@batchyard/contracts';
import { openEventStore, type EventStore } from '@batchyard/event-store';
import { rebuildProjection } from '@batchyard/projections';
import { ResourcesProjection } from '@batchyard/read-models';
import { openReadStore, type ReadStore, type WriteOp } from '@batchyard/read-store';

const ITEMS = Number(process.env.BENCH_ITEMS || 1_000_000);
const CHUNK = 1000;
const CHUNKS_PER_JOB = 100;
const PAGE = 50;

const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
const perSecond = (count: number, s: number) => Math.round(count / s).toLocaleString('en');

async function seed(events: EventStore): Promise<void> {
  const at = new Date().toISOString();
  for (let chunk = 0; chunk * CHUNK < ITEMS; chunk++) {
    const job = Math.floor(chunk / CHUNKS_PER_JOB);
    const writes = Array.from({ length: Math.min(CHUNK, ITEMS - chunk * CHUNK) }, (_, i) => {
      const n = chunk * CHUNK + i;
      return { op: 'create' as const, line: i + 1, id: `asset${n}`, key: `sku-${n}`, fields: { name: `Asset ${n}`, serial: `SN${n}`, weight: n % 97 } };
    });
    const event: NewEvent = {
      eventId: randomUUID(),
      type: ChunkProcessed.type,
      version: ChunkProcessed.version,
      tenant: 'bench',
      correlationId: `job${job}`,
      causationId: `job${job}`,
      occurredAt: at,
      data: ChunkProcessed.schema.parse({ phase: 'processing', chunk: chunk % CHUNKS_PER_JOB, resource: 'asset', writes, errors: [] }),
    };
    await events.append(`bulkjob-bench.job${job}`, [event], 'any');
  }
}

/** Reads every chunk event; with `writeTo`, also writes its documents (unguarded), timing the writes alone. */
async function raw(events: EventStore, readStore: ReadStore, writeTo?: string): Promise<{ read: number; write: number; documents: number }> {
  let read = 0;
  let write = 0;
  let documents = 0;
  let after = 0;
  for (;;) {
    const started = process.hrtime.bigint();
    const page = await events.readAll({ after, maxCount: PAGE, eventTypes: ResourcesProjection.eventTypes });
    read += seconds(started);
    if (!page.length) break;
    after = page[page.length - 1].position;
    const ops: WriteOp[] = page.flatMap((e) => ResourcesProjection.apply(e).map((w) => w.op));
    documents += ops.length;
    if (writeTo) {
      const writing = process.hrtime.bigint();
      await readStore.physical(writeTo).bulkWrite(ops);
      write += seconds(writing);
    }
  }
  return { read, write, documents };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'batchyard-bench-'));
  const events = await openEventStore({ dataDir });
  const readStore = await openReadStore({ dataDir });
  try {
    console.log(`seeding ${ITEMS.toLocaleString('en')} items in chunks of ${CHUNK} …`);
    const seeding = process.hrtime.bigint();
    await seed(events);
    console.log(`seeded in ${seconds(seeding).toFixed(1)} s`);

    // The same documents with the same indexes, built as a rebuild builds them: after the writes.
    const scratch = 'bench_raw';
    const baseline = await raw(events, readStore, scratch);
    const indexing = process.hrtime.bigint();
    await readStore.physical(scratch).ensureIndexes(ResourcesProjection.collections[0].indexes);
    baseline.write += seconds(indexing);
    await readStore.drop(scratch);

    let builtAt = 0n;
    const rebuilding = process.hrtime.bigint();
    const result = await rebuildProjection(events, readStore, ResourcesProjection, {
      batchSize: PAGE,
      onProgress: ({ position, head }) => {
        if (position >= head) builtAt = process.hrtime.bigint();
      },
    });
    const total = seconds(rebuilding);
    const built = Number(builtAt - rebuilding) / 1e9;
    const documents = await readStore.collection('resources').count({});
    if (documents !== baseline.documents) throw new Error(`rebuild wrote ${documents} documents, expected ${baseline.documents}`);

    const rawSeconds = baseline.read + baseline.write;
    console.log(`raw read:  ${result.events} events in ${baseline.read.toFixed(2)} s`);
    console.log(`raw write: ${baseline.documents} documents in ${baseline.write.toFixed(2)} s`);
    console.log(`raw read + write: ${perSecond(documents, rawSeconds)} documents/s`);
    console.log(`rebuild:   ${perSecond(documents, built)} documents/s (${perSecond(result.events, built)} events/s), ${built.toFixed(2)} s to build`);
    console.log(`           ${total.toFixed(2)} s with the hand-over (swap, then the old generation dropped after its grace period)`);
    console.log(`ratio to raw read + write: ${(rawSeconds / built).toFixed(2)} (target ≥ 0.5)`);
  } finally {
    await readStore.close();
    await events.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
