import { Readable } from 'node:stream';
import type { BlobStore } from '@batchyard/blob-store';
import type { ChunkWrite, RowError } from '@batchyard/contracts';
import { csvRow } from '@batchyard/csv';

export async function readBlob(blobs: BlobStore, hash: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await blobs.get(hash)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function putJson(blobs: BlobStore, value: unknown) {
  return putJsonText(blobs, JSON.stringify(value));
}

async function putJsonText(blobs: BlobStore, json: string) {
  const { hash, size } = await blobs.put(Buffer.from(json), { contentType: 'application/json' });
  return { hash, size };
}

/** Blobs written at once: each is flushed to disk before it is published, so several in flight overlap the waits. */
const PUTS_IN_FLIGHT = 8;

/** Stores JSON texts, a new one starting as soon as one is stored; their refs in the same order. */
export async function putJsonTexts(blobs: BlobStore, texts: readonly string[]) {
  const refs: { hash: string; size: number }[] = new Array(texts.length);
  let next = 0;
  const putNext = async () => {
    while (next < texts.length) {
      const i = next++;
      refs[i] = await putJsonText(blobs, texts[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PUTS_IN_FLIGHT, texts.length) }, putNext));
  return refs;
}

/** The error file, as JSON and CSV: each rejected row's line, field, code and message, in line order. */
export async function errorFiles(blobs: BlobStore, errors: RowError[]) {
  if (errors.length === 0) return {};
  const sorted = [...errors].sort((a, b) => a.line - b.line);
  const csv = [csvRow(['line', 'field', 'code', 'message']), ...sorted.map((e) => csvRow([e.line, e.field, e.code, e.message]))].join('');
  const csvRef = await blobs.put(Readable.from([Buffer.from(csv)]), { contentType: 'text/csv' });
  return { errorsJson: await putJson(blobs, sorted), errorsCsv: { hash: csvRef.hash, size: csvRef.size } };
}

const RESULTS = { create: 'created', update: 'updated', delete: 'deleted' } as const;

/** The result file (`save_result`): the id each row was written to and how. */
export async function resultFile(blobs: BlobStore, writes: ChunkWrite[]) {
  return putJson(
    blobs,
    writes.map((w) => ({ line: w.line, id: w.id, result: RESULTS[w.op] })),
  );
}
