import { fromBufferPromise } from 'yauzl';
import { SHORT_ID_VERSION, taskItem } from '@batchyard/contracts';
import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, http, issueKey, untilTaskEnded, useBatchyard } from '@batchyard/test-support';

// The real npm SDK downloads the result file as its users would: `evrythng.api` with the absolute `result.location`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const evrythng = require('evrythng');

/**
 * SHORT_ID_GENERATION tasks (SEQUENTIAL and PSEUDO_RANDOM codes in chunks) and result files (a CSV of the columns
 * asked for, a ZIP above 100,000 rows) through the gateway, downloaded with the tenant's key only. Embedded, and over
 * real Kafka + the MongoDB wire protocol when the servers are there.
 */
describe('EVRYTHNG short ID generation and result files (embedded)', () => resultTests({}));
const distributed = distributedOverrides();
describeTier('EVRYTHNG short ID generation and result files (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => resultTests(distributed ?? {}));

const shortIds = (quantity: unknown, shortIdTemplate: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}) => ({
  type: 'SHORT_ID_GENERATION',
  inputParameters: { quantity, shortIdTemplate },
  ...extra,
});
const errorShape = (status: number) => ({ status, errors: [expect.any(String)], code: expect.any(String), moreInfo: expect.any(String) });

function resultTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard(overrides, { testTimeout: 180_000 });
  const auth = () => ({ authorization: by.key });
  const head = async () => (await by.launched.infra.events()).headPosition();
  const newBatch = async () => (await http(`${by.url}/batches`, { method: 'POST', headers: auth(), body: { name: 'Codes' } })).body.id as string;

  async function run(batchId: string, body: unknown): Promise<any> {
    const created = await http(`${by.url}/batches/${batchId}/tasks`, { method: 'POST', headers: auth(), body });
    expect(created.status).toBe(202);
    return untilTaskEnded(by.url, created.headers.get('location')!, auth());
  }

  async function download(location: string, key = by.key) {
    const res = await fetch(location, { headers: { authorization: key } });
    return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), bytes: Buffer.from(await res.arrayBuffer()) };
  }

  const chunkEvents = async (taskId: string) =>
    (await (await by.launched.infra.events()).readAll({ after: 0, maxCount: 100_000, eventTypes: ['ItemsGenerated'] }))
      .filter((e) => e.stream.endsWith(taskId))
      .map((e) => e.data as any);

  it('generates SEQUENTIAL codes in chunks, with progress, a result and a CSV downloadable with the tenant’s key only', async () => {
    const batchId = await newBatch();
    const template = { type: 'SEQUENTIAL', length: 12, prefix: 'LOT', separator: '-', start: 100, increment: 3, padding: 'ZERO' };
    const task = await run(batchId, shortIds(2_500, template, { tags: ['codes'] }));
    expect(task).toMatchObject({
      type: 'SHORT_ID_GENERATION',
      batch: batchId,
      status: 'EXECUTED',
      tags: ['codes'],
      inputParameters: { quantity: 2_500, shortIdTemplate: template },
      progress: { contributions: { [task.id]: { shortIds: 2_500 } }, totalAmount: 2_500 },
      result: { type: 'SHORT_ID_GENERATION', totalCount: 2_500, failedOperationsAmount: 0, format: 'CSV', location: expect.stringMatching(`^${by.url}/signed/blobs/`) },
    });
    expect(JSON.stringify(task)).not.toMatch(/shortIdKey/);
    expect((await chunkEvents(task.id)).map((c) => c.count)).toEqual([1_000, 1_000, 500]);
    expect((await http(`${by.url}/batches/${batchId}`, { headers: auth() })).body.status).toBe('COMPLETE');

    const file = await download(task.result.location);
    expect(file).toMatchObject({ status: 200, type: expect.stringMatching(/^text\/csv/), disposition: `attachment; filename="${task.id}.csv"` });
    const lines = file.bytes.toString('utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2_501);
    expect(lines.slice(0, 3)).toEqual(['SHORT_ID', 'LOT-00000100', 'LOT-00000103']);
    expect(lines[2_500]).toBe(`LOT-${String(100 + 2_499 * 3).padStart(8, '0')}`);

    // The real SDK, as its users fetch `result.location`: the raw key, its own headers.
    const viaSdk = await evrythng.api({ apiUrl: '', url: task.result.location, apiKey: by.key, fullResponse: true });
    expect(viaSdk.status).toBe(200);
    expect(await viaSdk.text()).toBe(file.bytes.toString('utf8'));

    // As EVRYTHNG's, the location is a plain download: signed and expiring, it needs no key.
    const anonymous = await fetch(task.result.location);
    expect(anonymous.status).toBe(200);
    expect(Buffer.from(await anonymous.arrayBuffer()).toString('utf8')).toBe(file.bytes.toString('utf8'));
    const url = new URL(task.result.location);
    const expires = Number(url.searchParams.get('expires'));
    expect(expires * 1000 - Date.now()).toBeGreaterThan(25 * 60_000);
    expect(expires * 1000 - Date.now()).toBeLessThanOrEqual(30 * 60_000);
    for (const altered of [
      task.result.location.replace(/signature=[^&]+/, 'signature=AAAA'),
      task.result.location.replace(/expires=\d+/, `expires=${expires + 3_600}`),
      task.result.location.replace(/filename=[^&]+/, 'filename=other.csv'),
    ]) {
      expect((await fetch(altered)).status).toBe(403);
    }

    // The keyed route stays: the tenant's key only.
    const keyed = `${by.url}/batches/${batchId}/tasks/${task.id}/result`;
    expect(await download(keyed)).toMatchObject({ status: 200, bytes: file.bytes });
    const other = await issueKey(by.launched.infra, 'tenant-results', 'operator');
    const foreign = await download(keyed, other.key);
    expect(foreign.status).toBe(404);
    expect(JSON.parse(foreign.bytes.toString('utf8'))).toEqual(errorShape(404));
    const keyless = await fetch(keyed);
    expect(keyless.status).toBe(401);
    expect(await keyless.json()).toEqual(errorShape(401));
  });

  it('generates PSEUDO_RANDOM codes: distinct, of the template’s shape, the file listing exactly the chunks’ codes', async () => {
    const batchId = await newBatch();
    const task = await run(batchId, shortIds(3_000, { type: 'PSEUDO_RANDOM', length: 10, prefix: 'R', separator: '_' }));
    expect(task.status).toBe('EXECUTED');
    const codes = (await download(task.result.location)).bytes.toString('utf8').trimEnd().split('\n').slice(1);
    expect(codes).toHaveLength(3_000);
    expect(new Set(codes).size).toBe(3_000);
    expect(codes.every((c) => /^R_[abcdefghkmnpqrstwxyABCDEFGHKMNPQRSTUVWXY0-9]{8}$/.test(c))).toBe(true);
    expect((await chunkEvents(task.id)).flatMap((c) => c.shortIds)).toEqual(codes);
  });

  it('writes a POPULATING task’s file when its outputParameters ask, with the columns asked for; none without them', async () => {
    const batchId = await newBatch();
    const body = (columns?: string[]) => ({
      type: 'POPULATING',
      ...(columns && { outputParameters: { type: 'CSV', columns } }),
      inputParameters: {
        type: 'FIXED_AMOUNT',
        generateThngs: true,
        generateRedirections: true,
        defaultRedirectUrl: 'https://example.com/{evrythngId}',
        thngTemplate: { name: 'With file' },
        shortDomain: 'tn.gg',
        quantity: 1_200,
      },
    });
    const task = await run(batchId, body(['THNG', 'SHORT_ID']));
    expect(task.result).toMatchObject({ type: 'POPULATING', totalCount: 2_400, format: 'CSV', location: expect.stringMatching(/^http/) });
    const lines = (await download(task.result.location)).bytes.toString('utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1_201);
    expect(lines[0]).toBe('THNG,SHORT_ID');
    const last = taskItem(task.id, 1, 1_199, SHORT_ID_VERSION);
    expect(lines[1_200]).toBe(`${last.thngId},${last.shortId}`);

    const thngsOnly = await run(batchId, { ...body(['THNG']), inputParameters: { ...body().inputParameters, generateRedirections: false, quantity: 2 } });
    expect((await download(thngsOnly.result.location)).bytes.toString('utf8')).toBe(`THNG\n${taskItem(thngsOnly.id, 0, 0).thngId}\n${taskItem(thngsOnly.id, 0, 1).thngId}\n`);

    const noFile = await run(batchId, { ...body(), inputParameters: { ...body().inputParameters, quantity: 1 } });
    expect(noFile.result).not.toHaveProperty('location');
    const none = await http(`${by.url}/batches/${batchId}/tasks/${noFile.id}/result`, { headers: auth() });
    expect(none.status).toBe(404);
    expect(none.body).toEqual(errorShape(404));
  });

  it('zips a result file of more than 100,000 rows, with the CSV inside', async () => {
    const batchId = await newBatch();
    const task = await run(batchId, shortIds(100_001, { type: 'SEQUENTIAL', length: 7, start: 0 }));
    expect(task.result).toMatchObject({ totalCount: 100_001, format: 'ZIP' });
    const file = await download(task.result.location);
    expect(file).toMatchObject({ status: 200, type: 'application/zip', disposition: `attachment; filename="${task.id}.zip"` });
    const zip = await fromBufferPromise(file.bytes, { lazyEntries: true });
    expect(zip.entryCount).toBe(1);
    const entry = await new Promise<any>((resolve, reject) => zip.once('entry', resolve).once('error', reject).readEntry());
    expect(entry.fileName).toBe(`${task.id}.csv`);
    const parts: Buffer[] = [];
    for await (const part of await zip.openReadStreamPromise(entry)) parts.push(part as Buffer);
    const lines = Buffer.concat(parts).toString('utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(100_002);
    expect([lines[1], lines[100_001]]).toEqual(['0000000', '0100000']);
  });

  it('refuses a bad SHORT_ID_GENERATION task with 400 in EVRYTHNG shape and queues nothing', async () => {
    const batchId = await newBatch();
    const before = await head();
    const cases: { body: unknown; mention: RegExp }[] = [
      { body: shortIds(10_000, { type: 'SEQUENTIAL', length: 4 }), mention: /shortIdTemplate\.length: .*cannot hold 10000 codes/ },
      { body: shortIds(100, { type: 'PSEUDO_RANDOM', length: 1 }), mention: /shortIdTemplate\.length: .*cannot hold 100 codes/ },
      { body: shortIds(1, { type: 'PSEUDO_RANDOM', length: 4, prefix: 'ABC', separator: '-' }), mention: /leaves no room/ },
      { body: shortIds(1, { type: 'PSEUDO_RANDOM', start: 5 }), mention: /shortIdTemplate\.start: .*SEQUENTIAL/ },
      { body: shortIds(1, { type: 'SEQUENTIAL', length: 5, padding: 'CHAR' }), mention: /paddingChar is required/ },
      { body: shortIds(1, { type: 'SEQUENTIAL', length: 5, padding: 'CHAR', paddingChar: '7' }), mention: /paddingChar/ },
      { body: shortIds(1, { type: 'SEQUENTIAL', padding: 'ZERO' }), mention: /padding needs a length/ },
      { body: shortIds(1, { type: 'SEQUENTIAL', prefix: 'a/b' }), mention: /prefix/ },
      { body: shortIds(1, { type: 'SEQUENTIAL', increment: 0 }), mention: /increment/ },
      { body: shortIds(1, { type: 'SEQUENTIAL', colour: 'red' }), mention: /colour/ },
      { body: shortIds(1, { type: 'THNG_ID' }), mention: /shortIdTemplate\.type/ },
      { body: shortIds(0, { type: 'SEQUENTIAL' }), mention: /quantity/ },
      { body: shortIds(1_000_001, { type: 'PSEUDO_RANDOM' }), mention: /quantity/ },
      { body: shortIds(1, undefined), mention: /shortIdTemplate/ },
      { body: shortIds(1, { type: 'SEQUENTIAL' }, { outputParameters: { type: 'CSV' } }), mention: /outputParameters/ },
      { body: { ...shortIds(1, { type: 'SEQUENTIAL' }), type: 'POPULATING' }, mention: /inputParameters/ },
    ];
    for (const c of cases) {
      const res = await http(`${by.url}/batches/${batchId}/tasks`, { method: 'POST', headers: auth(), body: c.body });
      expect({ case: c.body, status: res.status }).toEqual({ case: c.body, status: 400 });
      expect(res.body).toEqual(errorShape(400));
      expect(res.body.errors[0]).toMatch(c.mention);
    }
    expect(await head()).toBe(before);
    const accepted = await http(`${by.url}/batches/${batchId}/tasks`, {
      method: 'POST',
      headers: auth(),
      body: shortIds(5, { type: 'PSEUDO_RANDOM' }, { inputParameters: { type: 'SHORT_ID_GENERATION', quantity: 5, shortIdTemplate: { type: 'PSEUDO_RANDOM' } } }),
    });
    expect(accepted.status).toBe(202);
  });
}
