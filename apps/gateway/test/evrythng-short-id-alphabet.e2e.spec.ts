import { SHORT_ID_VERSION, taskItem } from '@batchyard/contracts';
import { TasksProjection } from '@batchyard/read-models';
import { expectReadModelsEqualRebuild, getWithHost, http, untilTaskEnded, useBatchyard } from '@batchyard/test-support';

/** EVRYTHNG's short IDs: 8 to 10 of its 50 symbols (no i, j, l, o, u, v, z, I, J, L, O, Z). */
const EVRYTHNG_SHORT_ID = (length: number | string) => new RegExp(`^[abcdefghkmnpqrstwxyABCDEFGHKMNPQRSTUVWXY0-9]{${length}}$`);

/**
 * Generated short IDs through the gateway (issue 21): a SHORT_ID_GENERATION task's PSEUDO_RANDOM codes and a POPULATING
 * task's derived short IDs use only EVRYTHNG's alphabet, and the events record the version of the draw, so a rebuild
 * from them makes the same redirections.
 */
describe('EVRYTHNG short ID alphabet (embedded)', () => {
  const by = useBatchyard({}, { testTimeout: 180_000 });
  const auth = () => ({ authorization: by.key });
  const newBatch = async () => (await http(`${by.url}/batches`, { method: 'POST', headers: auth(), body: { name: 'Alphabet' } })).body.id as string;

  async function run(batchId: string, body: unknown): Promise<any> {
    const created = await http(`${by.url}/batches/${batchId}/tasks`, { method: 'POST', headers: auth(), body });
    expect(created.status).toBe(202);
    return untilTaskEnded(by.url, created.headers.get('location')!, auth());
  }
  const resultLines = async (task: any) => (await (await fetch(task.result.location)).text()).trimEnd().split('\n');
  const eventsOf = async (taskId: string) =>
    (await (await by.launched.infra.events()).readAll({ after: 0, maxCount: 100_000, eventTypes: ['TaskQueued', 'ItemsGenerated'] }))
      .filter((e) => e.stream.endsWith(taskId))
      .map((e) => ({ type: e.type, data: e.data as any }));

  it('makes PSEUDO_RANDOM codes of 8, 9 and 10 characters from the 50 symbols only, the version on every event', async () => {
    const batchId = await newBatch();
    for (const length of [8, 9, 10]) {
      const task = await run(batchId, { type: 'SHORT_ID_GENERATION', inputParameters: { quantity: 1_500, shortIdTemplate: { type: 'PSEUDO_RANDOM', length } } });
      expect(task.status).toBe('EXECUTED');
      expect(JSON.stringify(task)).not.toMatch(/shortIdVersion/);
      const codes = (await resultLines(task)).slice(1);
      expect(codes).toHaveLength(1_500);
      expect(new Set(codes).size).toBe(1_500);
      expect(codes.filter((c) => !EVRYTHNG_SHORT_ID(length).test(c))).toEqual([]);
      // 1,500 codes of at least 8 characters: every one of the 50 symbols shows, none other.
      expect(new Set(codes.join('')).size).toBe(50);
      const events = await eventsOf(task.id);
      expect(events.map((e) => [e.type, e.data.shortIdVersion])).toEqual([
        ['TaskQueued', SHORT_ID_VERSION],
        ['ItemsGenerated', SHORT_ID_VERSION],
        ['ItemsGenerated', SHORT_ID_VERSION],
      ]);
    }
  });

  it('derives a POPULATING task’s short IDs from the 50 symbols: result file, redirections and a rebuild agree', async () => {
    const batchId = await newBatch();
    const task = await run(batchId, {
      type: 'POPULATING',
      outputParameters: { type: 'CSV', columns: ['SHORT_ID', 'THNG'] },
      inputParameters: {
        type: 'FIXED_AMOUNT',
        generateThngs: true,
        generateRedirections: true,
        defaultRedirectUrl: 'https://example.com/t/{evrythngId}?s={shortId}',
        thngTemplate: { name: 'Alphabet Thng' },
        shortDomain: 'tn.gg',
        quantity: 1_200,
      },
    });
    expect(task.status).toBe('EXECUTED');
    const rows = (await resultLines(task)).slice(1).map((line) => line.split(','));
    expect(rows).toHaveLength(1_200);
    expect(rows.filter(([shortId]) => !EVRYTHNG_SHORT_ID(8).test(shortId))).toEqual([]);
    expect(new Set(rows.map(([shortId]) => shortId).join('')).size).toBe(50);
    // Item 1,199 is the last of chunk 1, derived at the task's version.
    const last = taskItem(task.id, 1, 1_199, SHORT_ID_VERSION);
    expect(rows[1_199]).toEqual([last.shortId, last.thngId]);
    expect(await getWithHost(`${by.url}/${last.shortId}`, 'tn.gg')).toEqual({ status: 307, location: `https://example.com/t/${last.thngId}?s=${last.shortId}` });
    expect((await eventsOf(task.id)).every((e) => e.data.shortIdVersion === SHORT_ID_VERSION)).toBe(true);

    // Replayed from the events alone, the redirections (and the rest of the tasks' read model) are the same.
    await expectReadModelsEqualRebuild(await by.launched.infra.events(), await by.launched.infra.readStore(), [TasksProjection]);
  });
});
