// `npm run bench` (listing): BENCH_LIST_ITEMS (default 1,000,000) units/Thngs in the items read model of an
// embedded installation, then listing latency through the gateway (p50/p99) beside the raw read-store query
// the route runs, on the same store: EVRYTHNG `/thngs` with keyset paging followed through `Link` at depth,
// and TofuPilot `/api/v2/units` with its offset cursor at depth (decisions.md, "Paging" and "Benchmarks").
import { evrythngIdFrom, newApiKey, uuidFrom } from '@batchyard/contracts';
import { ItemsProjection, type ItemDoc } from '@batchyard/read-models';
import { loadConfig } from '@batchyard/runtime';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launch } from '../apps/launcher/src/launch';

const ITEMS = Number(process.env.BENCH_LIST_ITEMS || 1_000_000);
const SAMPLES = Number(process.env.BENCH_LIST_SAMPLES || 200);
const PER_PAGE = 100;
const INSERT_BATCH = 5000;

const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;
function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(2);
  return `p50 ${at(50)} ms, p99 ${at(99)} ms (${samples.length} requests)`;
}

async function timed(samples: number[], run: () => Promise<unknown>): Promise<void> {
  const started = process.hrtime.bigint();
  await run();
  samples.push(ms(started));
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'batchyard-bench-list-'));
  const key = newApiKey();
  const launched = await launch(['all'], { ...loadConfig({ LOG_LEVEL: 'warn' }), dataDir, port: 0, metricsPort: 0, bootstrapKey: key });
  const url = launched.apps.find((a) => a.name === 'gateway')!.url!.replace('[::1]', '127.0.0.1');
  const readStore = await launched.infra.readStore();
  const items = readStore.collection<ItemDoc>('items');
  try {
    console.log(`seeding ${ITEMS.toLocaleString('en')} units into the items read model …`);
    await items.ensureIndexes(ItemsProjection.collections[0].indexes);
    const t0 = Date.UTC(2026, 0, 1);
    for (let from = 0; from < ITEMS; from += INSERT_BATCH) {
      const docs = Array.from({ length: Math.min(INSERT_BATCH, ITEMS - from) }, (_, i): ItemDoc => {
        const n = from + i;
        const unitId = uuidFrom(`bench-unit-${n}`);
        return {
          _id: `default:${unitId}`,
          tenant: 'default',
          unitId,
          thngId: evrythngIdFrom(unitId),
          serialNumber: `SN${n}`,
          serialKey: `sn${n}`,
          partNumber: `P${n % 50}`,
          revisionNumber: 'A',
          batchId: null,
          createdAt: t0 + n,
          updatedAt: t0 + n,
          createdBy: { keyId: 'bench', name: 'bench', role: 'user' },
        };
      });
      await items.insertMany(docs);
    }

    const evrythng = { authorization: key };
    const gatewayKeyset: number[] = [];
    const rawKeyset: number[] = [];
    // Follow Link from the first page as the SDK does, SAMPLES pages deep; the raw side runs the same keyset query.
    let next: string | undefined = `${url}/thngs?perPage=${PER_PAGE}`;
    let after: { values: unknown[]; id: string } | undefined;
    for (let i = 0; i < SAMPLES && next; i++) {
      let link: string | null = null;
      await timed(gatewayKeyset, async () => {
        const res = await fetch(next!, { headers: evrythng });
        link = res.headers.get('link');
        await res.json();
      });
      next = link ? decodeURIComponent((link as string).split(';')[0].slice(1, -1)) : undefined;
      await timed(rawKeyset, async () => {
        const filter = { tenant: 'default' };
        const [page] = await Promise.all([items.find(filter, { sort: [['createdAt', -1]], limit: PER_PAGE + 1, ...(after && { after }) }), items.count(filter)]);
        const last = page[PER_PAGE - 1];
        after = { values: [last.createdAt], id: last._id };
      });
    }

    const tofupilot = { authorization: `Bearer ${key}` };
    const gatewayOffset: number[] = [];
    const rawOffset: number[] = [];
    const depth = Math.max(0, ITEMS - PER_PAGE * 2);
    for (let i = 0; i < SAMPLES; i++) {
      const cursor = Math.floor((depth * i) / SAMPLES);
      await timed(gatewayOffset, async () => (await fetch(`${url}/api/v2/units?limit=${PER_PAGE}&cursor=${cursor}`, { headers: tofupilot })).json());
      await timed(rawOffset, () => items.find({ $and: [{ tenant: 'default' }] }, { sort: [['createdAt', -1]], skip: cursor, limit: PER_PAGE + 1 }));
    }

    console.log(`EVRYTHNG /thngs keyset (perPage ${PER_PAGE}, following Link from the top):`);
    console.log(`  gateway: ${percentiles(gatewayKeyset)}`);
    console.log(`  raw:     ${percentiles(rawKeyset)} (find + count on the read store)`);
    console.log(`TofuPilot /api/v2/units offset (limit ${PER_PAGE}, cursor spread 0..${depth.toLocaleString('en')}):`);
    console.log(`  gateway: ${percentiles(gatewayOffset)}`);
    console.log(`  raw:     ${percentiles(rawOffset)} (find with skip on the read store)`);
  } finally {
    await launched.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
