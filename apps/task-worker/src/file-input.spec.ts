import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ZipFile } from 'yazl';
import { MAX_EVENT_DATA_BYTES } from '@batchyard/contracts';
import { FileBlobStore } from '@batchyard/blob-store';
import { openReadStore, type ReadStore } from '@batchyard/read-store';
import { fileDocId, type FileDoc } from '@batchyard/read-models';
import type { TaskState } from '@batchyard/write-side';
import { FileInput } from './file-input';

const FILE_ID = 'UmNqmfDEBDswtpaaRDs6xHpn';
const task = { tenant: 'acme', taskId: 't1' };

function zipOf(entries: Record<string, string>): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, content] of Object.entries(entries)) {
    if (name.endsWith('/')) zip.addEmptyDirectory(name);
    else zip.addBuffer(Buffer.from(content), name);
  }
  zip.end();
  const parts: Buffer[] = [];
  return new Promise((resolve, reject) =>
    zip.outputStream
      .on('data', (d: Buffer) => parts.push(d))
      .on('end', () => resolve(Buffer.concat(parts)))
      .on('error', reject),
  );
}

const ROOM = MAX_EVENT_DATA_BYTES;
const noClash = () => 0;

describe('FILE_BASED input', () => {
  let dir: string;
  let blobs: FileBlobStore;
  let readStore: ReadStore;
  let input: FileInput;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'file-input-'));
    blobs = await FileBlobStore.open(dir);
    readStore = await openReadStore({ dataDir: dir });
    input = new FileInput(readStore, blobs);
  });
  afterEach(async () => {
    await readStore.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function upload(content: string | Buffer) {
    const { hash, size } = await blobs.put(Buffer.from(content));
    const doc = { _id: fileDocId('acme', FILE_ID), fileId: FILE_ID, tenant: 'acme', content: { hash, size } } as FileDoc;
    await readStore.collection<FileDoc>('files').bulkWrite([{ kind: 'put', id: doc._id, doc }]);
  }
  const params = (format: 'CSV' | 'ZIP', generateThngs = true) =>
    ({
      type: 'FILE_BASED',
      generateThngs,
      generateRedirections: true,
      defaultRedirectUrl: 'https://x.test',
      thngTemplate: { name: 'T' },
      shortDomain: 'tn.gg',
      location: `http://h/files/${FILE_ID}/content`,
      format,
    }) as const;
  const stateOf = (opened: any, items = 0): TaskState =>
    ({
      status: 'EXECUTING',
      nextChunk: 0,
      items,
      clashes: 0,
      spec: { inputParameters: params('CSV') },
      input: { ...opened, next: { offset: opened.offset, line: opened.line, row: 0 } },
    }) as unknown as TaskState;

  it('opens a CSV: header, rows, and where the first row starts (BOM, CRLF, quoted line breaks)', async () => {
    await upload('\uFEFFshortId,identifiers.ser\r\nab1,"S\n1"\r\n\r\nab2,S2\r\n');
    const opened = await input.open(task, 'b1', params('CSV'));
    expect(opened).toEqual({ batchId: 'b1', fileId: FILE_ID, hash: expect.any(String), header: ['shortId', 'identifiers.ser'], rows: 2, offset: 28, line: 1 });
  });

  it('reads chunks from the cursor each one records, the same in sequence as after a restart, refusing bad rows by line', async () => {
    await upload('shortId,identifiers.ser\nok1,S1\nbad id,S2\nok3\nok4,S4\n\nok5,S5\n');
    const opened = await input.open(task, 'b1', params('CSV'));
    const first = await input.chunk(stateOf(opened), 2, ROOM, noClash);
    expect(first).toEqual({
      count: 1,
      shortIds: ['ok1'],
      identifier: { key: 'ser', values: ['S1'] },
      file: { next: { offset: 41, line: 3, row: 2 }, rejected: [{ line: 3, error: expect.stringMatching(/Invalid short ID 'bad id'/), shortId: 'bad id' }] },
    });
    const after = { ...stateOf(opened, 1), input: { ...stateOf(opened).input!, next: first.file!.next } };
    const second = await input.chunk(after, 3, ROOM, noClash);
    expect(second).toEqual({
      count: 2,
      shortIds: ['ok4', 'ok5'],
      identifier: { key: 'ser', values: ['S4', 'S5'] },
      file: { next: { offset: 60, line: 7, row: 5 }, rejected: [{ line: 4, error: 'The row has 1 cells; the header has 2', shortId: 'ok3' }] },
    });
    // A chunk read again from its recorded cursor (a worker restarted mid-file) is the same chunk.
    expect(await input.chunk(after, 3, ROOM, noClash)).toEqual(second);
  });

  it('ends a chunk early once its rows would take more than its room in the event, the next resuming there', async () => {
    await upload(`shortId,identifiers.ser\n${Array.from({ length: 10 }, (_, i) => `id${i},${'ż'.repeat(100)}`).join('\n')}\n`);
    const opened = await input.open(task, 'b1', params('CSV'));
    // A row: its short ID (6 bytes listed), its 100 two-byte characters (203 bytes listed) and a clash of 30 bytes.
    const first = await input.chunk(stateOf(opened), 10, 1_000, () => 30);
    expect(first).toMatchObject({ count: 4, shortIds: ['id0', 'id1', 'id2', 'id3'], file: { next: { row: 4 }, rejected: [] } });
    const after = { ...stateOf(opened, 4), input: { ...stateOf(opened).input!, next: first.file!.next } };
    expect(await input.chunk(after, 10, 1_000, () => 30)).toMatchObject({ count: 4, shortIds: ['id4', 'id5', 'id6', 'id7'] });
    // However small the room, a chunk takes one row, so a task always moves on.
    expect(await input.chunk(after, 10, 0, () => 30)).toMatchObject({ count: 1, shortIds: ['id4'] });
  });

  it("reads the cells Batchyard's CSV writer neutralised as the values they were", async () => {
    await upload(`shortId,identifiers.ser\n"'-ab1","'=1+1"\n"'-ab2","''@x"\nab3,'plain\n`);
    const opened = await input.open(task, 'b1', params('CSV'));
    const chunk = await input.chunk(stateOf(opened), 10, ROOM, noClash);
    expect(chunk).toMatchObject({ count: 3, shortIds: ['-ab1', '-ab2', 'ab3'], identifier: { key: 'ser', values: ['=1+1', "'@x", "'plain"] } });
  });

  it('opens the one CSV of a ZIP', async () => {
    await upload(await zipOf({ 'folder/': '', 'ids.csv': 'identifiers.ser\nA\nB\n', '__MACOSX/._ids.csv': 'x' }));
    const opened = await input.open(task, 'b1', params('ZIP'));
    expect(opened).toMatchObject({ header: ['identifiers.ser'], rows: 2, offset: 16, line: 1 });
    expect(await input.chunk(stateOf(opened), 1000, ROOM, noClash)).toMatchObject({ count: 2, identifier: { key: 'ser', values: ['A', 'B'] } });
  });

  it('fails the task, making nothing, for a file it cannot use', async () => {
    const cases: [string | Buffer | Promise<Buffer>, 'CSV' | 'ZIP', RegExp][] = [
      ['shortId,colour\na,b\n', 'CSV', /unknown column 'colour'/],
      ['shortId\n', 'CSV', /no rows/],
      ['shortId\n"abc\n', 'CSV', /malformed/],
      ['identifiers.ser\nA\n', 'CSV', /needs generateThngs/],
      [zipOf({ 'a.csv': 'shortId\na\n', 'b.csv': 'shortId\nb\n' }), 'ZIP', /holds 2 CSV files/],
      [zipOf({ 'a.txt': 'shortId\na\n' }), 'ZIP', /holds 0 CSV files/],
      ['not a zip at all', 'ZIP', /cannot be read/],
    ];
    for (const [content, format, error] of cases) {
      await upload(await content);
      expect(await input.open(task, 'b1', params(format, !String(error).includes('generateThngs')))).toEqual({ batchId: 'b1', error: expect.stringMatching(error) });
    }
    await readStore.collection('files').bulkWrite([{ kind: 'delete', id: fileDocId('acme', FILE_ID) }]);
    expect(await input.open(task, 'b1', params('CSV'))).toEqual({ batchId: 'b1', error: `File ${FILE_ID} was deleted` });
  });
});
