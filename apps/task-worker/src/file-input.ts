import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, CsvError } from 'csv-parse';
import yauzl from 'yauzl';
import type { z } from 'zod';
import { BlobTooLargeError, sizeLimited, type BlobStore } from '@batchyard/blob-store';
import { readCsvCell } from '@batchyard/csv';
import {
  MAX_TASK_QUANTITY,
  fileIdOfLocation,
  jsonBytes,
  maxFileBytes,
  type CommandData,
  type EventData,
  type FailTask,
  type FileBasedInputSchema,
  type FileCursor,
  type ItemsGenerated,
  type OpenTaskInput,
  type RejectedRow,
} from '@batchyard/contracts';
import { fileDocId, type FileDoc } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';
import { fileRow, inputColumns, listedBytes, type TaskState } from '@batchyard/write-side';

type Task = { tenant: string; taskId: string };
type FileBased = z.infer<typeof FileBasedInputSchema>;
/** What a chunk of file rows adds to its ItemsGenerated event. */
type FileChunk = Pick<EventData<typeof ItemsGenerated>, 'count' | 'shortIds' | 'identifier' | 'file'>;

/** A file the task cannot read: the task fails with this message, having made nothing. */
class InputFileError extends Error {}

/** csv-parse's records with their position: `bytes` and `lines` consumed up to the end of the record. */
type Parsed = { record: string[]; info: { bytes: number; lines: number } };

/** Cells as Batchyard's own CSV writer meant them, so a result file read back as input gives the same values. */
function csvRecords(source: Readable): AsyncIterable<Parsed> {
  const options = { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true, cast: readCsvCell };
  return source.pipe(parse(options)) as AsyncIterable<Parsed>;
}

/**
 * A FILE_BASED task's input. Opening it reads the whole CSV once, streamed (a ZIP's one CSV is extracted to a blob
 * first): header, syntax, row count. Each chunk then reads its rows from the byte offset its predecessor's event
 * recorded, so memory stays flat whatever the file's size and a chunk after a crash starts where the events say.
 */
export class FileInput {
  constructor(
    private readonly readStore: ReadStore,
    private readonly blobs: BlobStore,
    /** Rows a file may hold: the tenant limit of items per task (`BATCHYARD_LIMIT_TASK_ITEMS`). */
    private readonly maxRows = MAX_TASK_QUANTITY,
  ) {}

  /** What opening a task's input records: OpenTaskInput, or FailTask when the file cannot be used. */
  async open(task: Task, batchId: string, input: FileBased): Promise<CommandData<typeof OpenTaskInput> | CommandData<typeof FailTask>> {
    try {
      return await this.scan(task, batchId, input);
    } catch (error) {
      if (error instanceof InputFileError) return { batchId, error: error.message };
      throw error;
    }
  }

  private async scan(task: Task, batchId: string, input: FileBased): Promise<CommandData<typeof OpenTaskInput>> {
    const fileId = fileIdOfLocation(input.location)!;
    const file = await this.readStore.collection<FileDoc>('files').get(fileDocId(task.tenant, fileId));
    if (!file?.content) throw new InputFileError(`File ${fileId} was deleted`);
    const hash = input.format === 'ZIP' ? await this.csvOfZip(file.content.hash) : file.content.hash;
    let header: { cells: string[]; offset: number; line: number } | undefined;
    let rows = 0;
    const source = await this.blobs.get(hash);
    try {
      for await (const { record, info } of csvRecords(source)) {
        if (!header) header = { cells: record, offset: info.bytes, line: info.lines };
        else if (++rows > this.maxRows) throw new InputFileError(`The file holds more than ${this.maxRows} rows, the most one task takes`);
      }
    } catch (error) {
      if (error instanceof CsvError) throw new InputFileError(`The CSV file is malformed: ${error.message}`);
      throw error;
    } finally {
      source.destroy();
    }
    if (!header || rows === 0) throw new InputFileError('The file holds no rows');
    const columns = inputColumns(header.cells, input.generateThngs);
    if ('error' in columns) throw new InputFileError(columns.error);
    return { batchId, fileId, hash, header: header.cells, rows, offset: header.offset, line: header.line };
  }

  /**
   * The next `count` rows from the task's cursor on, fewer once the next would take their share of the chunk's event
   * past `room` bytes (`clash`: what the item at an offset may add as a clash): the short IDs and identifier values
   * of the good ones, the others refused. At least one row, when one is left.
   */
  async chunk(state: TaskState, count: number, room: number, clash: (offset: number, shortId?: string) => number): Promise<FileChunk> {
    const { hash, header, next: cursor } = state.input!;
    const columns = inputColumns(header, (state.spec!.inputParameters as FileBased).generateThngs);
    if ('error' in columns) throw new Error(`task input opened with a bad header: ${columns.error}`);
    const shortIds: string[] = [];
    const values: string[] = [];
    const rejected: RejectedRow[] = [];
    let next: FileCursor = cursor;
    let used = 0;
    const source = await this.blobs.get(hash, { start: cursor.offset });
    try {
      for await (const { record, info } of csvRecords(source)) {
        const line = cursor.line + info.lines;
        const row = fileRow(record, columns);
        let bytes: number;
        let take: () => void;
        if ('error' in row) {
          const refused: RejectedRow = { line, error: row.error, ...(row.shortId !== undefined && { shortId: row.shortId }) };
          bytes = jsonBytes(refused) + 1;
          take = () => rejected.push(refused);
        } else {
          const { shortId, identifier } = row;
          bytes =
            (shortId === undefined ? 0 : listedBytes(shortId)) + (identifier === undefined ? 0 : listedBytes(identifier)) + clash(next.row - cursor.row - rejected.length, shortId);
          take = () => {
            if (shortId !== undefined) shortIds.push(shortId);
            if (identifier !== undefined) values.push(identifier);
          };
        }
        if (next.row > cursor.row && used + bytes > room) break;
        used += bytes;
        take();
        next = { offset: cursor.offset + info.bytes, line, row: next.row + 1 };
        if (next.row - cursor.row === count) break;
      }
    } finally {
      source.destroy();
    }
    return {
      count: next.row - cursor.row - rejected.length,
      ...(columns.shortId !== undefined && { shortIds }),
      ...(columns.identifier && { identifier: { key: columns.identifier.key, values } }),
      file: { next, rejected },
    };
  }

  /** The one CSV of a ZIP, stored as a blob of its own: yauzl reads a ZIP from its end, so it is copied to a temporary file first. */
  private async csvOfZip(hash: string): Promise<string> {
    const temp = path.join(tmpdir(), `batchyard-zip-${randomUUID()}`);
    try {
      await pipeline(await this.blobs.get(hash), createWriteStream(temp));
      const zip = await openZip(temp);
      try {
        const csvs = await csvEntries(zip);
        if (csvs.length !== 1) throw new InputFileError(`The ZIP file holds ${csvs.length} CSV files; it must hold exactly one`);
        const csv = await new Promise<Readable>((resolve, reject) => zip.openReadStream(csvs[0], (error, stream) => (error ? reject(asZipError(error)) : resolve(stream))));
        csv.on('error', asZipError);
        return (await this.blobs.put(sizeLimited(csv, maxFileBytes()), { contentType: 'text/csv' })).hash;
      } finally {
        zip.close();
      }
    } catch (error) {
      if (error instanceof BlobTooLargeError) throw new InputFileError(`The CSV in the ZIP file is larger than ${error.limit} bytes`);
      if (error instanceof InputFileError || !isZipError(error)) throw error;
      throw new InputFileError(`The ZIP file cannot be read: ${(error as Error).message}`);
    } finally {
      await rm(temp, { force: true });
    }
  }
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => yauzl.open(file, { lazyEntries: true, autoClose: false }, (error, zip) => (error ? reject(asZipError(error)) : resolve(zip))));
}

/** The CSV entries of a ZIP, leaving out folders and macOS resource forks. */
function csvEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const found: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      if (/\.csv$/i.test(entry.fileName) && !entry.fileName.startsWith('__MACOSX/')) found.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(found));
    zip.on('error', (error: Error) => reject(asZipError(error)));
    zip.readEntry();
  });
}

/** yauzl's errors (a damaged or unsupported ZIP) are the file's fault, unlike the blob store's. */
const asZipError = (error: Error) => Object.assign(error, { zip: true });
const isZipError = (error: unknown) => (error as { zip?: boolean } | undefined)?.zip === true;
