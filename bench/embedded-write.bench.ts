// `npm run bench` (embedded write): POST /batches (EVRYTHNG) against `npm start`'s embedded installation (SQLite event
// store, read store and bus, all apps in this process), answered once the projection caught up, at
// BENCH_WRITE_CLIENTS concurrent clients (default 16) and at one, each for BENCH_WRITE_SECONDS (default 10). Beside
// them, from the same run: the same HTTP server answering a static route, and a raw append of the same events to a
// SQLite event store of its own at the same concurrency (issue 22: ≥ 2,000 writes/s at 16 clients with p99 ≤ 50 ms,
// one client p50 ≤ 5 ms).
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NewEvent } from '@batchyard/contracts';
import { SqliteEventStore } from '@batchyard/event-store';
import { loadTenantLimits } from '@batchyard/runtime';
import { http, startBatchyard } from '@batchyard/test-support';
import { batchWrites, LIMITS_ENV } from './support/batch-writes';
import { line, load, result } from './support/figures';

const CLIENTS = Number(process.env.BENCH_WRITE_CLIENTS || 16);
const SECONDS = Number(process.env.BENCH_WRITE_SECONDS || 10);
const TARGET_WRITES_PER_SECOND = 2000;
const TARGET_P99_MS = 50;
const TARGET_ONE_CLIENT_P50_MS = 5;
/** A route the gateway answers from memory, through the same HTTP stack (no key needed). */
const STATIC_ROUTE = '/docs';

async function main(): Promise<void> {
  console.log(`embedded write: POST /batches for ${SECONDS} s at ${CLIENTS} clients and at one (one tenant; its request limits off) …`);
  const by = await startBatchyard({ limits: loadTenantLimits(LIMITS_ENV) });
  const rawDir = await mkdtemp(path.join(tmpdir(), 'batchyard-bench-append-'));
  try {
    const { write, refusals } = batchWrites(by.url, by.key);
    const statics = async () => {
      const res = await http(`${by.url}${STATIC_ROUTE}`);
      if (res.status !== 200) throw new Error(`${STATIC_ROUTE} answered ${res.status}`);
    };
    // Warm-up: the read models' collections and the consumers' first reads.
    await load(CLIENTS, 2, write);
    refusals.count = 0;
    const many = await load(CLIENTS, SECONDS, write);
    const one = await load(1, SECONDS, write);
    const staticMany = await load(CLIENTS, Math.min(SECONDS, 5), statics);

    // The raw append: the events one POST /batches appended, again and again, each time to a stream of its own.
    const events = await by.launched.infra.events();
    const written = (await events.readAll({ after: 0, maxCount: 1000 })).find((e) => e.type === 'BatchCreated');
    if (!written) throw new Error('no BatchCreated event to append again');
    const batch = await events.readStream(written.stream);
    const raw = new SqliteEventStore(path.join(rawDir, 'events.sqlite'));
    const append = async () => {
      const copies: NewEvent[] = batch.map(({ stream: _s, revision: _r, position: _p, ...event }) => ({ ...event, eventId: randomUUID() }));
      await raw.append(`bench-${randomUUID()}`, copies, 'no_stream');
    };
    const appendMany = await load(CLIENTS, Math.min(SECONDS, 5), append);
    await raw.close();

    console.log(`the same HTTP server, GET ${STATIC_ROUTE}:`);
    const staticFigure = line(`${CLIENTS} clients`, staticMany, 'requests');
    console.log(`a raw append of the same ${batch.length} event(s) to a SQLite event store of its own:`);
    const appendFigure = line(`${CLIENTS} at once`, appendMany, 'appends');
    console.log('Batchyard POST /batches, embedded (answered once the projection caught up):');
    const writes = line(`${CLIENTS} clients`, many, 'writes');
    const single = line('1 client', one, 'writes');
    if (refusals.count) console.log(`  ***** ${refusals.count} writes were NOT answered 201 (first: ${refusals.first}); they are counted above *****`);
    console.log(
      `  ratios: writes/s ${(writes.perSecond / staticFigure.perSecond).toFixed(3)} of the static route's requests/s, ${(writes.perSecond / appendFigure.perSecond).toFixed(3)} of raw appends/s; p99 ${(writes.p99 / staticFigure.p99).toFixed(1)}× the static route's`,
    );
    result('embedded_writes_per_second', writes.perSecond, 'writes/s', `>=${TARGET_WRITES_PER_SECOND}`, writes.perSecond >= TARGET_WRITES_PER_SECOND && !refusals.count);
    result('embedded_write_p99', writes.p99, 'ms', `<=${TARGET_P99_MS}`, writes.p99 <= TARGET_P99_MS && !refusals.count);
    result('embedded_one_client_write_p50', single.p50, 'ms', `<=${TARGET_ONE_CLIENT_P50_MS}`, single.p50 <= TARGET_ONE_CLIENT_P50_MS && !refusals.count);
  } finally {
    await by.stop();
    await rm(rawDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
