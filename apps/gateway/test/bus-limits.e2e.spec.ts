import { Checkpoints, ProcessorControls } from '@batchyard/projections';
import { describeTier, http, issueKey, kafkaOverrides, untilTaskEnded, useBatchyard, requestReplay } from '@batchyard/test-support';
import { RELAY_CHECKPOINT } from '@batchyard/runtime';

/**
 * Issue 15, case 3: the largest jobs Batchyard takes, over real Kafka with the broker at its default
 * `message.max.bytes` (1,048,588). A 100,000-row merge once jammed the event relay (one page of chunk events, one
 * request, refused with MESSAGE_TOO_LARGE and retried forever) and with it every other tenant's work.
 *
 * Kafka with the embedded SQLite stores, not the Mongo wire: mongo-java-server scans a collection on every filter but
 * `_id`, so 100,000 resources or 1,000,000 Thngs would take it hours (tiers.ts, `kafkaOverrides`). On a quiet 2-core
 * machine the merge takes about a minute and the task two or three; the tests' bounds are far above, for a loaded
 * machine (the task took 12 minutes beside four other suites), and end as soon as the job does.
 */
const kafka = kafkaOverrides();
describeTier(
  'The largest jobs over Kafka at the broker default message.max.bytes (Kafka + embedded stores)',
  Boolean(kafka),
  'KAFKA_BROKERS is not set (.ci/run starts a real broker)',
  () => {
    const by = useBatchyard({ ...kafka, logLevel: 'error' });
    /** Another tenant's EVRYTHNG task of 5 Thngs in a batch of its own, run to its end. */
    async function smallTask(key: string) {
      const auth = { authorization: key };
      const batch = await http(`${by.url}/batches`, { method: 'POST', headers: auth, body: { name: 'Small lot' } });
      expect(batch.status).toBe(201);
      const inputParameters = { type: 'FIXED_AMOUNT', generateThngs: true, generateRedirections: false, thngTemplate: { name: 'Small' }, quantity: 5 };
      const task = await http(`${by.url}/batches/${batch.body.id}/tasks`, { method: 'POST', headers: auth, body: { type: 'POPULATING', inputParameters } });
      expect(task.status).toBe(202);
      return untilTaskEnded(by.url, new URL(task.headers.get('location')!, by.url).pathname, auth, 600);
    }

    it("merges 100,000 contacts exactly while another tenant's 5-item task completes, and after the relay publishes them all again", async () => {
      const rows = 100_000;
      const before = await (await by.launched.infra.events()).headPosition();
      const lines = ['name,email,phone,notes'];
      // Non-ASCII notes: a chunk's bytes, not its characters, are what the store and the broker count.
      for (let i = 0; i < rows; i++) lines.push(`Person ${i},person${i}@example.com,+1555${String(i).padStart(7, '0')},Łódź ${i}`);
      const data = `data:text/csv;base64,${Buffer.from(lines.join('\n') + '\n').toString('base64')}`;
      const px = { 'px-api-key': by.key };
      const merge = await http(`${by.url}/v1/batches`, { method: 'POST', headers: px, body: { resource: 'contact', action: 'merge', mode: 'async', data } });
      expect(merge.status).toBe(201);

      const other = await issueKey(by.launched.infra, 'bus-limits-other', 'operator');
      expect(await smallTask(other.key)).toMatchObject({ status: 'EXECUTED', result: { totalThngsCreated: 5 } });

      let job = merge.body.data;
      for (let i = 0; i < 1_800 && !['completed', 'failed', 'timed_out'].includes(job.status); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        job = (await http(`${by.url}/v1/batches/${job.id}`, { headers: px })).body.data;
      }
      expect(job.status).toBe('completed');
      expect(job.stats).toMatchObject({ created: rows, updated: 0, rejected: 0, ignored: 0, unprocessed: 0 });
      const listed = await http(`${by.url}/v1/contacts?limit=1`, { headers: px });
      expect(listed.body.pagination.total_count).toBe(rows);

      // `ops projections replay relay`: the relay publishes every event since again, the job's 50 chunk events in one
      // page (about 16 MB). It must get through all of them, to the head, with another tenant's task in the meantime.
      const readStore = await by.launched.infra.readStore();
      await requestReplay(readStore, 'relay', before);
      const controls = new ProcessorControls(readStore);
      while ((await controls.get(RELAY_CHECKPOINT))?.rewindTo !== undefined) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await smallTask(other.key)).toMatchObject({ status: 'EXECUTED', result: { totalThngsCreated: 5 } });
      await new Checkpoints(readStore).waitFor(RELAY_CHECKPOINT, await (await by.launched.infra.events()).headPosition(), 120_000);
      expect((await http(`${by.url}/v1/batches/${job.id}`, { headers: px })).body.data.stats).toEqual(job.stats);
      expect((await http(`${by.url}/v1/contacts?limit=1`, { headers: px })).body.pagination.total_count).toBe(rows);
    }, 420_000);

    it('generates a task of 1,000,000 Thngs exactly', async () => {
      const auth = { authorization: by.key };
      const batch = await http(`${by.url}/batches`, { method: 'POST', headers: auth, body: { name: 'Large lot' } });
      const inputParameters = { type: 'FIXED_AMOUNT', generateThngs: true, generateRedirections: false, thngTemplate: { name: 'Large' }, quantity: 1_000_000 };
      const created = await http(`${by.url}/batches/${batch.body.id}/tasks`, { method: 'POST', headers: auth, body: { type: 'POPULATING', inputParameters } });
      expect(created.status).toBe(202);
      const task = await untilTaskEnded(by.url, new URL(created.headers.get('location')!, by.url).pathname, auth, 15_000);
      expect(task).toMatchObject({ status: 'EXECUTED', result: { totalThngsCreated: 1_000_000 } });
      const thngs = await http(`${by.url}/thngs?filter=${encodeURIComponent(`batch=${batch.body.id}`)}&perPage=1`, { headers: auth });
      expect(thngs.headers.get('x-result-count')).toBe('1000000');
    }, 1_600_000);
  },
);
