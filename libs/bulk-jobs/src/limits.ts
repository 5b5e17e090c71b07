import { MAX_JSON_DEPTH } from '@batchyard/client-input';

/** Limits of PackageX bulk jobs (docs/bulk-jobs.md). */
export const BulkLimits = {
  /** Rows one job takes. */
  maxRows: 100_000,
  /** Rows a sync job takes: it answers only when done. */
  maxSyncRows: 1_000,
  /** A base64 data URL in a JSON body (PackageX's "soft cap of about 7.5MB"). */
  maxDataUrlChars: 10 * 1024 * 1024,
  /**
   * Bytes (UTF-8 JSON) of the writes of one chunk: its rows and, for each, `writeOverheadBytes`. Its ChunkProcessed
   * event adds its few fields and stays under MAX_EVENT_DATA_BYTES.
   */
  chunkBytes: 512 * 1024,
  /** What a row's write adds to its own JSON in the ChunkProcessed event: `"op"` and an id of up to 72 characters, with room to spare. */
  writeOverheadBytes: 128,
  /** Chunks one job is cut into at most (a chunk then takes more rows than BATCHYARD_BULK_CHUNK_ROWS), so that their list, in the validation phase's event, stays small. */
  maxChunks: 2_000,
  /** UTF-8 JSON bytes of one row: larger rows are rejected (code too_big). */
  maxRowBytes: 16 * 1024,
  /** An upload to a requested job's signed URL. */
  maxUploadBytes: 8 * 1024 * 1024,
  /** A JSON payload (a body's `data`, a JSON file): as deep as any JSON body, and 20 keys a row at the most rows. */
  json: { maxDepth: MAX_JSON_DEPTH, maxKeys: 2_000_000 },
} as const;

const fromEnv = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
};

/** How long a queued job may take before it ends timed_out (`BATCHYARD_BULK_JOB_DEADLINE_SECONDS`, default 1 hour). */
export const jobDeadlineSeconds = () => fromEnv('BATCHYARD_BULK_JOB_DEADLINE_SECONDS', 3600);

/** How long a requested job waits for its upload before it ends expired (`BATCHYARD_BULK_UPLOAD_EXPIRY_SECONDS`, default 1 hour). */
export const uploadExpirySeconds = () => fromEnv('BATCHYARD_BULK_UPLOAD_EXPIRY_SECONDS', 3600);

/** Rows per processing or cleanup chunk, one ChunkProcessed event each (`BATCHYARD_BULK_CHUNK_ROWS`, default 2,000); fewer where `chunkBytes` says. */
export const chunkRows = () => Math.max(1, Math.floor(fromEnv('BATCHYARD_BULK_CHUNK_ROWS', 2000)));

/** Deletions per cleanup chunk: `chunkRows`, at most as many as `chunkBytes` holds (a deletion is a write without fields). */
export const cleanupChunkRows = () => Math.min(chunkRows(), Math.floor(BulkLimits.chunkBytes / BulkLimits.writeOverheadBytes));
