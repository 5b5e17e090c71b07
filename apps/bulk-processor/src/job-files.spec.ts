import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { FileBlobStore } from '@batchyard/blob-store';
import { errorFiles, outcomesOf, readBlob, receivedRows, resultFiles, unprocessedFiles } from './job-files';

/** The job files over a real file blob store: the rows as received, in line order, cells neutralised. */
describe('bulk job files', () => {
  let dataDir: string;
  let blobs: FileBlobStore;
  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'batchyard-job-files-'));
    blobs = await FileBlobStore.open(dataDir);
  });
  afterEach(async () => {
    await blobs.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  const upload = async (text: string, format: 'csv' | 'json') => ({ ...(await blobs.put(Buffer.from(text), { contentType: 'text/plain' })), format, rows: 0 });
  const text = async (ref: { hash: string } | undefined) => (await readBlob(blobs, ref!.hash)).toString('utf8');

  it('partitions a CSV upload: result rows with outcome and id, unprocessed rows with their line, each as received', async () => {
    const csv = 'name,email,notes\nA,a@x.io,=1+2\nB,bad,\nC,c@x.io,"two, parts"\nD,d@x.io,@x\n';
    const ref = await upload(csv, 'csv');
    const received = await receivedRows(blobs, ref, new Set([2, 3, 4, 5]));
    const outcomes = outcomesOf([{ op: 'create', line: 2, id: 'contact_a', fields: {} }], [4]);
    const result = await resultFiles(blobs, outcomes, received);
    expect(parse(await text(result.resultCsv))).toEqual([
      ['name', 'email', 'notes', 'line', 'outcome', 'id'],
      ['A', 'a@x.io', "'=1+2", '2', 'created', 'contact_a'],
      ['C', 'c@x.io', 'two, parts', '4', 'ignored', ''],
    ]);
    expect(JSON.parse(await text(result.resultJson))).toEqual([
      { line: 2, id: 'contact_a', result: 'created' },
      { line: 4, id: null, result: 'ignored' },
    ]);
    const unprocessed = await unprocessedFiles(blobs, [5], received);
    expect(parse(await text(unprocessed.unprocessedCsv))).toEqual([
      ['name', 'email', 'notes', 'line'],
      ['D', 'd@x.io', "'@x", '5'],
    ]);
    expect(JSON.parse(await text(unprocessed.unprocessedJson))).toEqual([{ line: 5, row: { name: 'D', email: 'd@x.io', notes: '@x' } }]);
    const errors = await errorFiles(blobs, [{ line: 3, field: 'email', code: 'invalid_format', message: 'Invalid email' }], received);
    expect(parse(await text(errors.errorsCsv))).toEqual([
      ['name', 'email', 'notes', 'line', 'field', 'code', 'message'],
      ['B', 'bad', '', '3', 'email', 'invalid_format', 'Invalid email'],
    ]);
  });

  it('writes a JSON upload’s rows as JSON text in one row column; no unprocessed rows, no unprocessed file', async () => {
    const items = [{ name: 'A', metadata: { k: 1 } }, { name: 'B' }];
    const ref = await upload(JSON.stringify(items), 'json');
    const received = await receivedRows(blobs, ref, new Set([1, 2]));
    const result = await resultFiles(
      blobs,
      outcomesOf(
        [
          { op: 'update', line: 2, id: 'contact_b', fields: {} },
          { op: 'delete', line: 1, id: 'contact_a' },
        ],
        [],
      ),
      received,
    );
    expect(parse(await text(result.resultCsv))).toEqual([
      ['row', 'line', 'outcome', 'id'],
      [JSON.stringify(items[0]), '1', 'deleted', 'contact_a'],
      [JSON.stringify(items[1]), '2', 'updated', 'contact_b'],
    ]);
    expect(await unprocessedFiles(blobs, [], received)).toEqual({});
  });
});
