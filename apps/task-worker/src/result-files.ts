import { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import {
  ItemsGenerated,
  chunkItems,
  isEventOf,
  resultColumns,
  streamName,
  StreamCategory,
  type EventData,
  type ResultColumn,
  type ResultFile,
  type TaskSpec,
} from '@batchyard/contracts';
import type { BlobStore } from '@batchyard/blob-store';
import { csvRow } from '@batchyard/csv';
import type { EventStore } from '@batchyard/event-store';

/** A result file of more rows than this is a ZIP holding the CSV (about 3.4 MB of CSV with both columns). */
export const RESULT_ZIP_ABOVE_ROWS = 100_000;
const CONTENT_TYPES = { CSV: 'text/csv', ZIP: 'application/zip' } as const;
/** Events read at a time: a few chunks' worth, so memory stays flat whatever the task's size. */
const EVENTS_PER_READ = 8;
/** A fixed time in the ZIP entry, so the same rows always make the same bytes. */
const ZIP_ENTRY_TIME = new Date(Date.UTC(2000, 0, 1));

/**
 * A task's result file, streamed into the blob store from the task's chunk events. The same events always make the
 * same bytes and the blob store keeps content by its hash, so a worker that crashes while writing and writes again
 * ends with one complete file.
 */
export class ResultFiles {
  constructor(
    private readonly events: EventStore,
    private readonly blobs: BlobStore,
  ) {}

  async write(tenant: string, spec: TaskSpec, rows: number): Promise<ResultFile> {
    const csv = Readable.from(this.csv(tenant, spec));
    const format = rows > RESULT_ZIP_ABOVE_ROWS ? 'ZIP' : 'CSV';
    const { hash, size } = await this.blobs.put(format === 'ZIP' ? zipOf(csv, `${spec.taskId}.csv`) : csv, { contentType: CONTENT_TYPES[format] });
    return { hash, size, format, rows };
  }

  private async *csv(tenant: string, spec: TaskSpec): AsyncGenerator<string> {
    const columns = resultColumns(spec)!;
    const stream = streamName(StreamCategory.task, tenant, spec.taskId);
    yield csvRow(columns);
    for (let revision = 0; ;) {
      const events = await this.events.readStream(stream, { fromRevision: revision, maxCount: EVENTS_PER_READ });
      for (const event of events) if (isEventOf(event, ItemsGenerated)) yield chunkRows(spec.taskId, event.data, columns);
      if (events.length < EVENTS_PER_READ) return;
      revision = events[events.length - 1].revision + 1;
    }
  }
}

/**
 * One chunk's rows, in item order. SHORT_ID is the item's short ID where it has one that was not taken (a redirection
 * made, or a generated code); THNG is the Thng's id where Thngs were made. A short ID may start with `-`, which the
 * CSV writer neutralises.
 */
function chunkRows(taskId: string, data: EventData<typeof ItemsGenerated>, columns: readonly ResultColumn[]): string {
  const clashed = new Set(data.clashes.map((clash) => clash.index));
  const hasShortIds = data.redirect !== undefined || data.shortIds !== undefined;
  let rows = '';
  for (const item of chunkItems(taskId, data)) {
    const cells: Record<ResultColumn, string> = {
      SHORT_ID: hasShortIds && !clashed.has(item.index) ? item.shortId : '',
      THNG: data.thngTemplate ? item.thngId : '',
    };
    rows += csvRow(columns.map((column) => cells[column]));
  }
  return rows;
}

function zipOf(content: Readable, name: string): Readable {
  const zip = new ZipFile();
  const output = zip.outputStream as Readable;
  // yazl reports neither its source's errors nor its own on the output: pass them on, or the upload would wait forever.
  const fail = (error: Error) => output.destroy(error);
  content.on('error', fail);
  zip.on('error', fail);
  zip.addReadStream(content, name, { mtime: ZIP_ENTRY_TIME, mode: 0o100644 });
  zip.end();
  return output;
}
