// `npm run bench`: merges a BENCH_ROWS-row contacts CSV (default 100,000) through POST /v1/batches in embedded
// mode, end to end (gateway → bulk processor → events → resources read model), and compares its rows/s with a raw
// csv-parse of the same file plus a bulk insert of the same rows into the same read store, in the same run
// (BENCH_ROUNDS rounds of both, default 3).
import { Readable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse';
import { createdResourceIds } from '@batchyard/bulk-jobs';
import { openReadStore, type Doc } from '@batchyard/read-store';
import { ResourcesProjection } from '@batchyard/read-models';
import { http, startBatchyard } from '@batchyard/test-support';

const ROWS = Number(process.env.BENCH_ROWS || 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
const perSecond = (count: number, s: number) => Math.round(count / s).toLocaleString('en');

function contactsCsv(): string {
  const lines = ['name,email,phone,notes'];
  for (let i = 0; i < ROWS; i++) lines.push(`Person ${i},person${i}@example.com,+1555${String(i).padStart(7, '0')},imported`);
  return lines.join('\n') + '\n';
}

/**
 * The raw limit: stream-parse the same CSV and bulk-insert one document per row, nothing else. Its ids are made
 * as a bulk job makes the ids of the resources it creates (`createdResourceIds`), so both sides insert keys in
 * the same order.
 */
async function raw(csv: string): Promise<number> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'batchyard-bench-raw-'));
  const store = await openReadStore({ dataDir });
  try {
    const collection = store.physical('raw_contacts');
    await collection.ensureIndexes(ResourcesProjection.collections[0].indexes);
    const started = process.hrtime.bigint();
    const idOf = createdResourceIds('contact', 'bench', 'batch_raw');
    let batch: Doc[] = [];
    let line = 1;
    for await (const record of Readable.from([Buffer.from(csv)]).pipe(parse({ columns: true }))) {
      const id = idOf(++line);
      batch.push({ _id: `bench:${id}`, tenant: 'bench', resource: 'contact', id, key: record.email, data: record, createdAt: 0, updatedAt: 0 });
      if (batch.length === 1000) {
        await collection.insertMany(batch);
        batch = [];
      }
    }
    if (batch.length) await collection.insertMany(batch);
    return seconds(started);
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The bulk merge through the API on a fresh embedded Batchyard, from the POST until the job reads `completed`. */
async function merge(csv: string): Promise<{ seconds: number; events: number }> {
  const by = await startBatchyard({ logLevel: 'error' });
  try {
    const started = process.hrtime.bigint();
    const res = await http(`${by.url}/v1/batches`, {
      method: 'POST',
      headers: { 'px-api-key': by.key },
      body: { resource: 'contact', action: 'merge', mode: 'async', data: `data:text/csv;base64,${Buffer.from(csv).toString('base64')}` },
    });
    if (res.status !== 201) throw new Error(`POST /v1/batches answered ${res.status}: ${res.text}`);
    let job = res.body.data;
    // Polled often: the poll's period is an error on the time measured.
    while (!['completed', 'failed', 'timed_out'].includes(job.status)) {
      await new Promise((r) => setTimeout(r, 20));
      job = (await http(`${by.url}/v1/batches/${job.id}`, { headers: { 'px-api-key': by.key } })).body.data;
    }
    const took = seconds(started);
    if (job.status !== 'completed' || job.stats.created !== ROWS) throw new Error(`job ended ${job.status} with ${JSON.stringify(job.stats)}`);
    return { seconds: took, events: job.stats.events };
  } finally {
    await by.stop();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const csv = contactsCsv();
  console.log(`bulk merge of ${ROWS.toLocaleString('en')} contacts from a ${(csv.length / 1e6).toFixed(1)} MB CSV, ${ROUNDS} rounds`);
  // Rounds alternate the two sides, so a change in the shared machine's load falls on both; the medians are compared.
  const raws: number[] = [];
  const merges: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    raws.push(await raw(csv));
    const { seconds: took, events } = await merge(csv);
    merges.push(took);
    console.log(`round ${round}: raw ${raws.at(-1)!.toFixed(2)} s, bulk merge ${took.toFixed(2)} s (${events} events), ratio ${(raws.at(-1)! / took).toFixed(2)}`);
  }
  const [rawSeconds, took] = [median(raws), median(merges)];
  // Round 1 runs in a fresh process (nothing compiled yet); later rounds, like a server that has run jobs before.
  if (ROUNDS > 1) console.log(`ratio in round 1 (fresh process): ${(raws[0] / merges[0]).toFixed(2)}`);
  console.log(`raw parse + bulk insert: ${perSecond(ROWS, rawSeconds)} rows/s (median ${rawSeconds.toFixed(2)} s)`);
  console.log(`bulk merge end to end:   ${perSecond(ROWS, took)} rows/s (median ${took.toFixed(2)} s)`);
  console.log(`peak memory (max RSS of this process, all apps embedded): ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  console.log(`ratio to raw parse + insert: ${(rawSeconds / took).toFixed(2)} (medians; target ≥ 0.5)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
