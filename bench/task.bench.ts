// `npm run bench`: one EVRYTHNG FIXED_AMOUNT task of BENCH_TASK_ITEMS Thngs with redirections (default 1,000,000),
// run by the task worker in embedded mode through the gateway; prints items/s, peak memory, and the ratio to a raw
// bulk insert of the same documents into the same store, measured in the same run (issue 4: target ratio ≥ 0.5).
import { ItemsGenerated } from '@batchyard/contracts';
import { ItemsProjection, TasksProjection } from '@batchyard/read-models';
import type { WriteOp } from '@batchyard/read-store';
import { http, startBatchyard } from '@batchyard/test-support';

const ITEMS = Number(process.env.BENCH_TASK_ITEMS || 1_000_000);
const PAGE = 20;

const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
const perSecond = (count: number, s: number) => Math.round(count / s).toLocaleString('en');

async function main(): Promise<void> {
  const by = await startBatchyard({ logLevel: 'warn' });
  try {
    const auth = { authorization: by.key };
    const batchId = (await http(`${by.url}/batches`, { method: 'POST', headers: auth, body: { name: 'Bench' } })).body.id;
    const body = {
      type: 'POPULATING',
      inputParameters: {
        type: 'FIXED_AMOUNT',
        generateThngs: true,
        generateRedirections: true,
        defaultRedirectUrl: 'https://example.com/{evrythngId}',
        thngTemplate: { name: 'Bench', tags: ['bench'] },
        shortDomain: 'tn.gg',
        quantity: ITEMS,
      },
    };
    console.log(`task of ${ITEMS.toLocaleString('en')} Thngs with redirections …`);
    const started = process.hrtime.bigint();
    const location = (await http(`${by.url}/batches/${batchId}/tasks`, { method: 'POST', headers: auth, body })).headers.get('location')!;
    let task: { status: string; id: string };
    for (;;) {
      task = (await http(`${by.url}${location}`, { headers: auth })).body;
      if (['EXECUTED', 'EXECUTED_WITH_FAILURES', 'FAILED'].includes(task.status)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const taskSeconds = seconds(started);
    const peakMb = Math.round(process.resourceUsage().maxRSS / 1024);
    if (task.status !== 'EXECUTED') throw new Error(`task ended ${task.status}`);

    // The same documents, written raw: every chunk's Thngs and redirections as unguarded bulk writes into
    // collections with the read models' indexes (as the other benchmarks' raw baselines have).
    const events = await by.launched.infra.events();
    const readStore = await by.launched.infra.readStore();
    for (const { name, indexes } of [ItemsProjection, TasksProjection].flatMap((d) => d.collections)) {
      await readStore.physical(`bench_raw_${name}`).ensureIndexes(indexes);
    }
    let write = 0;
    let documents = 0;
    for (let after = 0; ;) {
      const page = await events.readAll({ after, maxCount: PAGE, eventTypes: [ItemsGenerated.type] });
      if (!page.length) break;
      after = page[page.length - 1].position;
      const byCollection = new Map<string, WriteOp[]>();
      for (const definition of [ItemsProjection, TasksProjection]) {
        for (const w of page.flatMap((e) => definition.apply(e))) {
          if (w.collection === 'tasks') continue;
          const ops = byCollection.get(w.collection) ?? [];
          ops.push(w.op);
          byCollection.set(w.collection, ops);
        }
      }
      const writing = process.hrtime.bigint();
      for (const [collection, ops] of byCollection) {
        documents += ops.length;
        await readStore.physical(`bench_raw_${collection}`).bulkWrite(ops);
      }
      write += seconds(writing);
    }
    console.log(`task: ${taskSeconds.toFixed(1)} s, ${perSecond(ITEMS, taskSeconds)} items/s (${perSecond(2 * ITEMS, taskSeconds)} documents/s), peak RSS ${peakMb} MB`);
    console.log(`raw bulk insert of the same ${documents.toLocaleString('en')} documents: ${write.toFixed(1)} s, ${perSecond(documents, write)} documents/s`);
    console.log(`ratio (raw time / task time): ${(write / taskSeconds).toFixed(2)} (target ≥ 0.5)`);
  } finally {
    await by.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
