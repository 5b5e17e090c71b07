import { ZipFile } from 'yazl';
import { SHORT_ID_VERSION, taskItem } from '@batchyard/contracts';
import type { RuntimeConfig } from '@batchyard/runtime';
import { NO_SERVERS, describeTier, distributedOverrides, http, issueKey, getWithHost, untilTaskEnded, useBatchyard } from '@batchyard/test-support';

/**
 * FILE_BASED tasks through the gateway: the input is a CSV (or a ZIP holding one) uploaded to /files, read in chunks
 * of 1,000 rows from the byte offset each chunk's event records; bad rows are logged and make EXECUTED_WITH_FAILURES;
 * a location that is not the caller's uploaded file is a 4xx that queues nothing.
 */
describe('EVRYTHNG FILE_BASED tasks (embedded)', () => fileTaskTests({}));
const distributed = distributedOverrides();
describeTier('EVRYTHNG FILE_BASED tasks (Kafka + MongoDB wire)', Boolean(distributed), NO_SERVERS, () => fileTaskTests(distributed ?? {}));

function zipOf(entries: Record<string, string>): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, content] of Object.entries(entries)) zip.addBuffer(Buffer.from(content), name);
  zip.end();
  const parts: Buffer[] = [];
  return new Promise((resolve, reject) =>
    zip.outputStream
      .on('data', (d: Buffer) => parts.push(d))
      .on('end', () => resolve(Buffer.concat(parts)))
      .on('error', reject),
  );
}

function fileTaskTests(overrides: Partial<RuntimeConfig>) {
  const by = useBatchyard(overrides, { testTimeout: 120_000 });
  const auth = () => ({ authorization: by.key });
  const head = async () => (await by.launched.infra.events()).headPosition();
  const newBatch = async () => (await http(`${by.url}/batches`, { method: 'POST', headers: auth(), body: { name: 'File tasks' } })).body.id as string;

  /** Creates a file, uploads `content` to it, and answers its document (with `contentUrl`). */
  async function uploaded(name: string, type: string, content: string | Buffer, key = by.key): Promise<any> {
    const file = (await http(`${by.url}/files`, { method: 'POST', headers: { authorization: key }, body: { name, type, privateAccess: true } })).body;
    const res = await fetch(file.uploadUrl, { method: 'PUT', headers: { 'content-type': type }, body: content });
    expect(res.status).toBe(200);
    return res.json();
  }

  const fileBased = (location: string, format: 'CSV' | 'ZIP', extra: Record<string, unknown> = {}) => ({
    type: 'POPULATING',
    inputParameters: {
      type: 'FILE_BASED',
      generateThngs: true,
      generateRedirections: true,
      defaultRedirectUrl: 'https://example.com/f/{evrythngId}',
      thngTemplate: { name: 'From file', tags: ['file'] },
      shortDomain: 'tn.gg',
      location,
      format,
      ...extra,
    },
  });

  const untilEnded = (location: string) => untilTaskEnded(by.url, location, auth(), 600);

  const queue = async (batchId: string, body: unknown) => {
    const created = await http(`${by.url}/batches/${batchId}/tasks`, { method: 'POST', headers: auth(), body });
    expect(created.status).toBe(202);
    return created.headers.get('location')!;
  };

  it('makes one Thng and redirection per good row of a CSV, in chunks of 1,000 rows, logging the bad rows by line', async () => {
    const prefix = `f${Date.now().toString(36)}`;
    const lines = ['shortId,identifiers.ser'];
    for (let i = 0; i < 2_500; i++) lines.push(i === 10 ? 'has space,S10' : i === 1_500 ? `${prefix}-${i}` : `${prefix}-${i},S${i}`);
    const file = await uploaded('ids.csv', 'text/csv', `${lines.join('\r\n')}\r\n`);
    const batchId = await newBatch();
    const location = await queue(batchId, fileBased(file.contentUrl, 'CSV'));
    const taskId = location.split('/').pop()!;

    const task = await untilEnded(location);
    expect(task).toMatchObject({
      status: 'EXECUTED_WITH_FAILURES',
      inputParameters: fileBased(file.contentUrl, 'CSV').inputParameters,
      progress: { contributions: { [taskId]: { thngs: 2_498, urlBindings: 2_498, failedUrlBindings: 2 } }, totalAmount: 4_996 },
      result: { type: 'POPULATING', totalCount: 4_996, totalThngsCreated: 2_498, totalUrlBindingsCreated: 2_498, failedOperationsAmount: 2 },
    });

    const events = await (await by.launched.infra.events()).readStream(`task-default.${taskId}`);
    const chunks = events.filter((e) => e.type === 'ItemsGenerated').map((e) => e.data as any);
    expect(chunks.map((c) => [c.count, c.file.next.row, c.file.rejected.length])).toEqual([
      [999, 1_000, 1],
      [999, 2_000, 1],
      [500, 2_500, 0],
    ]);
    expect(events.filter((e) => e.type === 'TaskInputOpened').map((e) => (e.data as any).rows)).toEqual([2_500]);

    const logs = (await http(`${by.url}${location}/logs`, { headers: auth() })).body;
    expect(logs.map((l: any) => l.message).sort()).toEqual([expect.stringMatching(/^Line 12: Invalid short ID 'has space'/), 'Line 1502: The row has 1 cells; the header has 2']);

    const last = await getWithHost(`${by.url}/${prefix}-2499`, 'tn.gg');
    expect(last).toEqual({ status: 307, location: `https://example.com/f/${taskItem(taskId, 2, 2_497).thngId}` });
    const thng = await http(`${by.url}/thngs/${taskItem(taskId, 0, 0).thngId}`, { headers: auth() });
    expect(thng.body).toMatchObject({ name: 'From file', identifiers: { ser: 'S0' }, batch: batchId, createdByTask: taskId });
  });

  it('reads the one CSV of a ZIP; without a shortId column the short IDs are generated', async () => {
    const file = await uploaded('ids.zip', 'application/zip', await zipOf({ 'serials.csv': 'identifiers.ser\nZ1\nZ2\nZ3\n' }));
    const location = await queue(await newBatch(), { ...fileBased(file.contentUrl, 'ZIP'), outputParameters: { type: 'CSV', columns: ['SHORT_ID', 'THNG'] } });
    const task = await untilEnded(location);
    expect(task).toMatchObject({ status: 'EXECUTED', result: { totalThngsCreated: 3, totalUrlBindingsCreated: 3, failedOperationsAmount: 0 } });
    const { thngId, shortId } = taskItem(task.id, 0, 2, SHORT_ID_VERSION);
    const resultFile = await http(task.result.location, { headers: auth() });
    expect(resultFile.text.trim().split(/\r?\n/)).toEqual([
      'SHORT_ID,THNG',
      ...[0, 1, 2].map((i) => `${taskItem(task.id, 0, i, SHORT_ID_VERSION).shortId},${taskItem(task.id, 0, i).thngId}`),
    ]);
    expect((await http(`${by.url}/thngs/${thngId}`, { headers: auth() })).body.identifiers).toEqual({ ser: 'Z3' });
    expect(await getWithHost(`${by.url}/${shortId}`, 'tn.gg')).toEqual({ status: 307, location: `https://example.com/f/${thngId}` });
  });

  it('fails a task whose file it cannot use, having made nothing', async () => {
    const cases: [string, string, string | Buffer, RegExp][] = [
      ['CSV', 'text/csv', 'shortId,colour\na,b\n', /unknown column 'colour'/],
      ['CSV', 'text/csv', 'shortId\n"unclosed\n', /malformed/],
      ['ZIP', 'application/zip', await zipOf({ 'a.csv': 'shortId\na\n', 'b.csv': 'shortId\nb\n' }), /holds 2 CSV files/],
    ];
    for (const [format, type, content, error] of cases) {
      const file = await uploaded(`bad.${format.toLowerCase()}`, type, content);
      const task = await untilEnded(await queue(await newBatch(), fileBased(file.contentUrl, format as 'CSV' | 'ZIP')));
      expect(task).toMatchObject({ status: 'FAILED', result: { type: 'ERROR', error: expect.stringMatching(error) }, progress: { totalAmount: 0 } });
    }
  });

  it('refuses a location that is not the caller’s uploaded file of that format, with 4xx in EVRYTHNG shape, queueing nothing', async () => {
    const batchId = await newBatch();
    const csv = await uploaded('ok.csv', 'text/csv', 'shortId\nabc\n');
    const notUploaded = (await http(`${by.url}/files`, { method: 'POST', headers: auth(), body: { name: 'later.csv', type: 'text/csv', privateAccess: true } })).body;
    const other = await issueKey(by.launched.infra, 'file-tasks-two', 'operator');
    const theirs = await uploaded('theirs.csv', 'text/csv', 'shortId\nxyz\n', other.key);
    const notUploadedUrl = `${by.url}/files/${notUploaded.id}/content?tenant=default`;
    const before = await head();
    const cases: [unknown, number, RegExp][] = [
      [fileBased('https://files.example.com/ids.csv', 'CSV'), 400, /location must be the contentUrl/],
      [fileBased(csv.contentUrl.replace(by.url, 'https://elsewhere.example'), 'CSV'), 400, /location must be the contentUrl/],
      [fileBased('not a url', 'CSV'), 400, /location/],
      [fileBased(theirs.contentUrl, 'CSV'), 404, /not found/],
      [fileBased(notUploadedUrl, 'CSV'), 400, /has not been uploaded/],
      [fileBased(csv.contentUrl, 'ZIP'), 400, /format is ZIP but .* is not a ZIP/],
      [fileBased(csv.contentUrl, 'JSON' as 'CSV'), 400, /format/],
      [fileBased(csv.contentUrl, 'CSV', { generateRedirections: false }), 400, /always generate redirections/],
      [fileBased(csv.contentUrl, 'CSV', { shortDomain: undefined }), 400, /shortDomain/],
      [fileBased(csv.contentUrl, 'CSV', { inputData: [] }), 400, /inputData/],
    ];
    for (const [body, status, mention] of cases) {
      const res = await http(`${by.url}/batches/${batchId}/tasks`, { method: 'POST', headers: auth(), body });
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(res.body).toEqual({ status, errors: [expect.stringMatching(mention)], code: expect.any(String), moreInfo: expect.any(String) });
    }
    expect(await head()).toBe(before);
    expect((await http(`${by.url}/batches/${batchId}/tasks`, { headers: auth() })).body).toEqual([]);
  });
}
