import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBufferPromise, type Entry } from 'yauzl';
import { FileBlobStore } from '@batchyard/blob-store';
import { ItemsGenerated, TaskStarted, taskItem, type RecordedEvent, type TaskSpec } from '@batchyard/contracts';
import type { EventStore } from '@batchyard/event-store';
import { RESULT_ZIP_ABOVE_ROWS, ResultFiles } from './result-files';

const TASK = 'T1';

/** The task's stream as the event store gives it, page by page; `failFrom` makes reads from that revision on fail, as a crash would. */
function eventStore(data: Record<string, unknown>[], failFrom = Infinity): EventStore {
  const stream = [{ type: TaskStarted.type, data: { batchId: 'B1' } }, ...data.map((d) => ({ type: ItemsGenerated.type, data: d }))].map(
    (e, revision) => ({ ...e, revision, stream: `task-acme.${TASK}`, tenant: 'acme' }) as unknown as RecordedEvent,
  );
  return {
    async readStream(_: string, options: { fromRevision?: number; maxCount?: number } = {}) {
      const from = options.fromRevision ?? 0;
      if (from >= failFrom) throw new Error('the event store went away');
      return stream.slice(from, from + (options.maxCount ?? stream.length));
    },
  } as EventStore;
}

const codeChunk = (chunk: number, count = 1_000) => ({
  batchId: 'B1',
  chunk,
  first: chunk * 1_000,
  count,
  shortIds: Array.from({ length: count }, (_, i) => `C${chunk * 1_000 + i}`),
  clashes: [],
});
const shortIdTask = {
  taskId: TASK,
  batchId: 'B1',
  type: 'SHORT_ID_GENERATION',
  inputParameters: { quantity: 1, shortIdTemplate: { type: 'SEQUENTIAL' } },
  shortIdKey: 'k',
} as TaskSpec;

async function read(blobs: FileBlobStore, hash: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of await blobs.get(hash)) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function unzip(zip: Buffer): Promise<{ name: string; text: string }[]> {
  const file = await fromBufferPromise(zip, { lazyEntries: true });
  const entries: Entry[] = [];
  await new Promise<void>((resolve, reject) => {
    file
      .on('entry', (entry: Entry) => entries.push(entry) && file.readEntry())
      .on('end', resolve)
      .on('error', reject);
    file.readEntry();
  });
  return Promise.all(
    entries.map(async (entry) => {
      const parts: Buffer[] = [];
      for await (const part of await file.openReadStreamPromise(entry)) parts.push(part as Buffer);
      return { name: entry.fileName, text: Buffer.concat(parts).toString('utf8') };
    }),
  );
}

describe('task result files', () => {
  let dir: string;
  let blobs: FileBlobStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'result-files-'));
    blobs = await FileBlobStore.open(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes a SHORT_ID_GENERATION task’s codes as a CSV, in item order, the same bytes every time', async () => {
    const events = eventStore([codeChunk(0), codeChunk(1, 500)]);
    const file = await new ResultFiles(events, blobs).write('acme', shortIdTask, 1_500);
    expect(file).toMatchObject({ format: 'CSV', rows: 1_500 });
    const lines = (await read(blobs, file.hash)).toString('utf8').split('\n');
    expect(lines[0]).toBe('SHORT_ID');
    expect(lines.slice(1, -1)).toEqual(Array.from({ length: 1_500 }, (_, i) => `C${i}`));
    expect(await new ResultFiles(events, blobs).write('acme', shortIdTask, 1_500)).toEqual(file);
  });

  it('writes the columns asked for; a short ID that clashed is left out, as no redirection was made', async () => {
    const spec = {
      taskId: TASK,
      batchId: 'B1',
      type: 'POPULATING',
      outputParameters: { type: 'CSV', columns: ['THNG', 'SHORT_ID'] },
      inputParameters: { type: 'FIXED_AMOUNT', generateThngs: true, generateRedirections: true, thngTemplate: { name: 'x' }, quantity: 3 },
    } as TaskSpec;
    const chunk = {
      batchId: 'B1',
      chunk: 0,
      first: 0,
      count: 3,
      thngTemplate: { name: 'x' },
      redirect: { shortDomain: 'tn.gg', url: 'https://x.test' },
      clashes: [{ index: 1, shortId: 'taken' }],
    };
    const file = await new ResultFiles(eventStore([chunk]), blobs).write('acme', spec, 3);
    const item = (i: number) => taskItem(TASK, 0, i);
    expect((await read(blobs, file.hash)).toString('utf8')).toBe(`THNG,SHORT_ID\n${item(0).thngId},${item(0).shortId}\n${item(1).thngId},\n${item(2).thngId},${item(2).shortId}\n`);
  });

  it('writes a short ID that a spreadsheet would take for a formula as text', async () => {
    const chunk = { ...codeChunk(0, 3), shortIds: ['-A1', 'ok', '--7'] };
    const file = await new ResultFiles(eventStore([chunk]), blobs).write('acme', shortIdTask, 3);
    expect((await read(blobs, file.hash)).toString('utf8')).toBe(`SHORT_ID\n"'-A1"\nok\n"'--7"\n`);
  });

  it('leaves nothing behind when writing stops halfway, and the next attempt writes the one complete file', async () => {
    const chunks = Array.from({ length: 20 }, (_, c) => codeChunk(c));
    await expect(new ResultFiles(eventStore(chunks, 12), blobs).write('acme', shortIdTask, 20_000)).rejects.toThrow('went away');
    expect((await readdir(join(dir, 'blobs'))).filter((name) => name !== '.uploads')).toEqual([]);
    const file = await new ResultFiles(eventStore(chunks), blobs).write('acme', shortIdTask, 20_000);
    expect((await read(blobs, file.hash)).toString('utf8').split('\n')).toHaveLength(20_002);
  });

  it(`zips files of more than ${RESULT_ZIP_ABOVE_ROWS} rows: one CSV inside, the same bytes every time`, async () => {
    const chunks = Array.from({ length: 101 }, (_, c) => codeChunk(c, c === 100 ? 1 : 1_000));
    const rows = RESULT_ZIP_ABOVE_ROWS + 1;
    const file = await new ResultFiles(eventStore(chunks), blobs).write('acme', shortIdTask, rows);
    expect(file).toMatchObject({ format: 'ZIP', rows });
    expect((await blobs.stat(file.hash))?.contentType).toBe('application/zip');
    const [entry, ...others] = await unzip(await read(blobs, file.hash));
    expect(others).toEqual([]);
    expect(entry.name).toBe(`${TASK}.csv`);
    const lines = entry.text.split('\n');
    expect(lines).toHaveLength(rows + 2);
    expect(lines[rows]).toBe(`C${rows - 1}`);
    expect((await new ResultFiles(eventStore(chunks), blobs).write('acme', shortIdTask, rows)).hash).toBe(file.hash);
    // A failure inside the ZIP stream reaches the upload instead of leaving it waiting.
    await expect(new ResultFiles(eventStore(chunks, 50), blobs).write('acme', shortIdTask, rows)).rejects.toThrow('went away');
  });
});
