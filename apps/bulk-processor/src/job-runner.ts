import {
  ChunkProcessed,
  CompleteBulkJob,
  EndBulkJob,
  EventCatalogue,
  BulkJobFailed,
  RecordChunk,
  RecordPhases,
  ReleaseBulkLock,
  ReturnQuota,
  PhaseCompleted,
  bulkLockId,
  quotaId,
  streamName,
  StreamCategory,
  isEventOf,
  type ChunkWrite,
  type EventData,
  type RowError,
} from '@batchyard/contracts';
import { BlobNotFoundError, type BlobStore } from '@batchyard/blob-store';
import type { EventStore } from '@batchyard/event-store';
import type { ReadStore } from '@batchyard/read-store';
import { Checkpoints, projectionCheckpoint } from '@batchyard/projections';
import { ResourcesProjection, naturalKey, resourceDocId, type ResourceDoc } from '@batchyard/read-models';
import {
  BulkLimits,
  PayloadError,
  chunkRows,
  cleanupChunkRows,
  createdResourceIds,
  cutIntoChunks,
  readAllRows,
  removeDuplicates,
  validateRow,
  type CheckedRow,
  type InputRow,
  type RowRules,
  type ValidRow,
} from '@batchyard/bulk-jobs';
import { workItems } from '@batchyard/observability';
import { bulkJobDecider, isBulkJobTerminal as isTerminal, nextBulkJobStep, type AnyDecider, type BulkJobEnding, type BulkJobState } from '@batchyard/write-side';
import { errorFiles, outcomesOf, putJson, putJsonTexts, readBlob, receivedRows, resultFiles, unprocessedFiles } from './job-files';
import { JobCommands } from './job-commands';

type PhaseData = EventData<typeof PhaseCompleted>;
type ChunkData = EventData<typeof ChunkProcessed>;
type Job = { tenant: string; jobId: string };
interface Folded {
  state: BulkJobState;
  revision: number;
  lastPosition: number;
  chunks: ChunkData[];
  /** Where each ChunkProcessed event stands in the store. */
  chunkPositions: number[];
}

/** How long a chunk waits for the chunk before the last to show; past it (a read model stalled) it goes on. */
const PROJECTION_WAIT_MS = 60_000;
const LOOKUP_BATCH = 500;
const CACHED_JOBS = 1_000;
const known = new Set(EventCatalogue.map((d) => d.type));
/** Folds recorded events: a job's stream holds only the bulk-job decider's, each checked by its schema on append. */
const jobDecider: AnyDecider<BulkJobState> = bulkJobDecider;

/**
 * Runs a bulk job phase by phase: parsing and validation in one step (its two PhaseCompleted events), then one
 * step per processing chunk (ChunkProcessed), cleanup chunks for overwrite, and the end. Each step reads the
 * job's stream to find where it stands, so any delivery of any of the job's events resumes it after a crash.
 *
 * One step per delivery, and only for the job's latest event: the event the step appends brings the job back
 * behind whatever else waits on its bus partition, so jobs sharing a partition take turns a step at a time
 * (docs/bulk-jobs.md, "Sharing the processor").
 */
export class JobRunner {
  private readonly commands: JobCommands;
  private readonly checkpoints: Checkpoints;
  private readonly folded = new Map<string, Folded>();
  private readonly ended = new Set<string>();

  constructor(
    private readonly events: EventStore,
    private readonly readStore: ReadStore,
    private readonly blobs: BlobStore,
  ) {
    this.commands = new JobCommands(events, readStore);
    this.checkpoints = new Checkpoints(readStore);
  }

  /**
   * Takes the job's next step, if any. `revision`: that of the delivered event; an earlier event of a job that
   * has a later one does nothing, since the later one's delivery follows it on the partition, so each job has one
   * step in turn however often its events are delivered again. The deadline sweeper passes none.
   */
  async advance(job: Job, revision?: number): Promise<void> {
    // The job's later events keep arriving after it ended: an ended job stays ended, so they cost nothing.
    if (this.ended.has(streamName(StreamCategory.bulkjob, job.tenant, job.jobId))) return;
    const folded = await this.load(job);
    if (revision !== undefined && revision < folded.revision) return;
    await this.step(job, folded);
  }

  /**
   * The job's state, folded from its stream. Kept between steps and extended with the events after the last
   * revision seen (whoever appended them), so a step reads only what is new; a restart folds from the start.
   */
  private async load(job: Job): Promise<Folded> {
    const stream = streamName(StreamCategory.bulkjob, job.tenant, job.jobId);
    const cached = this.folded.get(stream) ?? { state: bulkJobDecider.initialState(), revision: -1, lastPosition: 0, chunks: [], chunkPositions: [] };
    const fresh = await this.events.readStream(stream, { fromRevision: cached.revision + 1 });
    const folded = fresh
      .filter((e) => known.has(e.type))
      .reduce(
        (f, e) => ({
          state: jobDecider.evolve(f.state, e),
          revision: e.revision,
          lastPosition: e.position,
          chunks: isEventOf(e, ChunkProcessed) ? [...f.chunks, e.data] : f.chunks,
          chunkPositions: e.type === ChunkProcessed.type ? [...f.chunkPositions, e.position] : f.chunkPositions,
        }),
        cached,
      );
    this.folded.delete(stream);
    if (isTerminal(folded.state.status)) this.ended.add(stream);
    else this.folded.set(stream, folded);
    // Insertion order is age: the oldest entries go first.
    for (const cache of [this.folded, this.ended]) if (cache.size > CACHED_JOBS) cache.delete(cache.keys().next().value!);
    return folded;
  }

  /** Does the job's next step, as the workflow chooses it from the folded state (nothing when ended or waiting for an upload). */
  private async step(job: Job, { state, lastPosition, chunks, chunkPositions }: Folded): Promise<void> {
    const next = nextBulkJobStep(state, Date.now());
    switch (next.kind) {
      case 'nothing':
        return;
      case 'end':
        return this.end(job, state, chunks, next.status, next.reason);
      case 'prepare':
        try {
          await this.commands.send(RecordPhases, { phases: await this.prepare(job, state) }, { ...job, step: 'prepare' });
        } catch (error) {
          if (!(error instanceof PayloadError || error instanceof BlobNotFoundError)) throw error;
          const reason = error instanceof PayloadError ? `Unable to parse the upload: ${error.message}` : 'The upload is missing from the blob store';
          await this.end(job, state, chunks, BulkJobFailed.type, reason);
        }
        return;
      case 'process-chunk': {
        // A job runs at most one chunk ahead of the resources read model, as a task does of its Thngs (docs/bulk-jobs.md).
        const previous = chunkPositions.at(-2);
        if (previous !== undefined) await this.checkpoints.reachedWithin(projectionCheckpoint(ResourcesProjection), previous, PROJECTION_WAIT_MS);
        return this.processChunk(job, state, next.chunk);
      }
      case 'record-processing': {
        const validated = state.phases.validation!.success;
        const phase: PhaseData = { phase: 'processing', total: validated, success: validated, error: 0 };
        await this.commands.send(RecordPhases, { phases: [phase] }, { ...job, step: 'phase:processing' });
        return;
      }
      case 'cleanup-chunk':
        return this.cleanupChunk(job, state, chunks, lastPosition);
      case 'complete': {
        const files = await this.files(state, chunks);
        await this.releaseLock(job, state);
        await this.returnQuota(job, state);
        await this.commands.send(CompleteBulkJob, { files }, { ...job, step: 'complete' });
      }
    }
  }

  /**
   * An overwrite or delete job gives its resource type back just before its final event (its last steps write no
   * resources), so whoever sees it ended can start the next; a crash in between repeats both, each at most once.
   */
  private async releaseLock(job: Job, state: BulkJobState): Promise<void> {
    const { resource, action } = state.spec!;
    if (action === 'merge') return;
    await this.commands.send(ReleaseBulkLock, { resource, jobId: job.jobId }, { ...job, step: 'release-lock' }, bulkLockId(resource));
  }

  /**
   * A job gives its place among its tenant's bulk jobs back just before its final event too, for the same reason;
   * one that never got its payload (its request expired, or its gateway died before storing it) the bytes it took.
   */
  private async returnQuota(job: Job, state: BulkJobState): Promise<void> {
    await this.commands.send(ReturnQuota, { kind: 'bulk-jobs', holder: job.jobId }, { ...job, step: 'return-quota' }, quotaId('bulk-jobs'));
    if (!state.upload) {
      await this.commands.send(ReturnQuota, { kind: 'stored-bytes', holder: `upload:${job.jobId}` }, { ...job, step: 'return-upload-bytes' }, quotaId('stored-bytes'));
    }
  }

  private rules(state: BulkJobState): RowRules {
    const spec = state.spec!;
    return { resource: spec.resource, action: spec.action, properties: spec.properties };
  }

  /** Parsing (read, deduplicate) and validation (shape, ids that exist), then the valid rows cut into chunk blobs. */
  private async prepare(job: Job, state: BulkJobState): Promise<PhaseData[]> {
    const rows = await this.uploadedRows(state.upload!);
    const rules = this.rules(state);
    const { kept, ignored } = removeDuplicates(rows, rules, state.spec!.duplicateHandling);

    const errors: RowError[] = [];
    let rejected = 0;
    const valid: CheckedRow[] = [];
    for (const row of kept) {
      const result = validateRow(row, rules);
      if (Array.isArray(result)) {
        errors.push(...result);
        rejected++;
      } else valid.push(result);
    }
    const existing = await this.existingIds(job, rules, valid);
    const accepted = valid.filter(({ row }) => {
      if (row.id === undefined || existing.has(row.id)) return true;
      errors.push({ line: row.line, field: 'id', code: 'not_found', message: `${rules.resource} ${row.id} does not exist` });
      rejected++;
      return false;
    });

    // A dry run writes nothing, so it needs no chunks.
    const slices = state.spec!.validateOnly ? [] : cutIntoChunks(accepted, chunkRows());
    const chunks = (
      await putJsonTexts(
        this.blobs,
        slices.map((s) => s.json),
      )
    ).map((ref, i) => ({ ...ref, rows: slices[i].rows }));
    return [
      { phase: 'parsing', total: rows.length, success: kept.length, error: 0, ignored },
      {
        phase: 'validation',
        total: kept.length,
        success: accepted.length,
        error: rejected,
        chunks,
        ...(errors.length && { errors: await putJson(this.blobs, errors) }),
      },
    ];
  }

  /** The upload's rows: as the gateway read them where it kept them (CSV), else read from the upload itself. */
  private async uploadedRows(upload: NonNullable<BulkJobState['upload']>): Promise<InputRow[]> {
    if (upload.parsedRows) return JSON.parse((await readBlob(this.blobs, upload.parsedRows.hash)).toString('utf8')) as InputRow[];
    return readAllRows(await readBlob(this.blobs, upload.hash), upload.format, BulkLimits.maxRows);
  }

  private async existingIds(job: Job, rules: RowRules, rows: CheckedRow[]): Promise<Set<string>> {
    const ids = rows.flatMap(({ row }) => (row.id ? [row.id] : []));
    const found = new Set<string>();
    const resources = this.readStore.collection<ResourceDoc>('resources');
    for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
      const docs = await resources.getMany(ids.slice(i, i + LOOKUP_BATCH).map((id) => resourceDocId(job.tenant, id)));
      for (const doc of docs) if (doc.resource === rules.resource) found.add(doc.id);
    }
    return found;
  }

  /** One processing chunk: rows with an id update (or delete) it; rows matched by natural key update; the rest create. */
  private async processChunk(job: Job, state: BulkJobState, chunk: number): Promise<void> {
    const rules = this.rules(state);
    const rows = JSON.parse((await readBlob(this.blobs, state.chunks[chunk].hash)).toString('utf8')) as ValidRow[];
    const byKey = rules.action === 'delete' ? new Map<string, string>() : await this.idsByKey(job, rules, rows);
    const createdId = createdResourceIds(rules.resource, job.tenant, job.jobId);
    const writes: ChunkWrite[] = rows.map((row) => {
      if (rules.action === 'delete') return { op: 'delete', line: row.line, id: row.id! };
      const key = naturalKey(rules.resource, row.fields);
      const id = row.id ?? (key !== undefined ? byKey.get(key) : undefined);
      if (id) return { op: 'update', line: row.line, id, fields: row.fields };
      return { op: 'create', line: row.line, id: createdId(row.line), fields: row.fields };
    });
    const data: ChunkData = { phase: 'processing', chunk, resource: rules.resource, writes, errors: [] };
    await this.commands.send(RecordChunk, data, { ...job, step: `processing:${chunk}` });
    workItems.inc({ kind: 'bulk_rows' }, writes.length);
  }

  private async idsByKey(job: Job, rules: RowRules, rows: ValidRow[]): Promise<Map<string, string>> {
    const keys = [...new Set(rows.flatMap((r) => (r.id === undefined ? [naturalKey(rules.resource, r.fields)] : [])).filter((k): k is string => k !== undefined))];
    const byKey = new Map<string, string>();
    if (keys.length === 0) return byKey;
    const docs = await this.readStore.collection<ResourceDoc>('resources').find({ tenant: job.tenant, resource: rules.resource, key: { $in: keys } });
    for (const doc of docs) if (doc.key) byKey.set(doc.key, doc.id);
    return byKey;
  }

  /** Overwrite's cleanup: deletes, a chunk at a time, the resources of this type that this job did not write. */
  private async cleanupChunk(job: Job, state: BulkJobState, chunks: ChunkData[], lastPosition: number): Promise<void> {
    const rules = this.rules(state);
    // The resources read model must show every write of this job (and of the previous cleanup chunk) first.
    await this.checkpoints.waitFor(projectionCheckpoint(ResourcesProjection), lastPosition, 60_000);
    const stale = await this.readStore
      .collection<ResourceDoc>('resources')
      .find(
        { tenant: job.tenant, resource: rules.resource, $or: [{ lastJob: { $exists: false } }, { lastJob: { $ne: job.jobId } }] },
        { sort: [['createdAt', 1]], limit: cleanupChunkRows() },
      );
    const chunk = state.chunksDone.cleanup;
    if (stale.length === 0) {
      const removed = chunks.filter((c) => c.phase === 'cleanup').reduce((n, c) => n + c.writes.length, 0);
      const phase: PhaseData = { phase: 'cleanup', total: removed, success: removed, error: 0 };
      await this.commands.send(RecordPhases, { phases: [phase] }, { ...job, step: 'phase:cleanup' });
      return;
    }
    const writes: ChunkWrite[] = stale.map((doc) => ({ op: 'delete', line: 0, id: doc.id }));
    await this.commands.send(RecordChunk, { phase: 'cleanup', chunk, resource: rules.resource, writes, errors: [] }, { ...job, step: `cleanup:${chunk}` });
  }

  /**
   * The job's files: the error file (validation and processing errors), with save_result the result files, and for a
   * job that ended without reaching every row the unprocessed files. Every row received is in exactly one of result,
   * errors and unprocessed (docs/bulk-jobs.md, "Files"). A completed job without errors or save_result reads nothing.
   */
  private async files(state: BulkJobState, chunks: ChunkData[], ending = false) {
    const validationErrors = state.phases.validation?.errors ? (JSON.parse((await readBlob(this.blobs, state.phases.validation.errors.hash)).toString('utf8')) as RowError[]) : [];
    const errors = [...validationErrors, ...chunks.flatMap((c) => c.errors)];
    const processed = chunks.filter((c) => c.phase === 'processing').flatMap((c) => c.writes);
    const saveResult = Boolean(state.spec?.saveResult);
    const upload = state.upload;
    if (!upload || (errors.length === 0 && !saveResult && !ending)) return saveResult ? await resultFiles(this.blobs, outcomesOf(processed, []), undefined) : {};
    let rows: InputRow[];
    try {
      rows = await this.uploadedRows(upload);
    } catch (error) {
      // An upload that cannot be read (the job failed for it) has no rows to list: its files stay empty.
      if (error instanceof PayloadError || error instanceof BlobNotFoundError) return {};
      throw error;
    }
    const ignored = state.phases.parsing?.ignored ? this.ignoredLines(state, rows) : [];
    const settled = new Set<number>([...errors.map((e) => e.line), ...processed.map((w) => w.line), ...ignored]);
    const unprocessed = rows.map((r) => r.line).filter((line) => !settled.has(line));
    const wanted = new Set<number>([...errors.map((e) => e.line), ...unprocessed, ...(saveResult ? [...processed.map((w) => w.line), ...ignored] : [])]);
    const received = await receivedRows(this.blobs, upload, wanted);
    return {
      ...(await errorFiles(this.blobs, errors, received)),
      ...(saveResult && (await resultFiles(this.blobs, outcomesOf(processed, ignored), received))),
      ...(await unprocessedFiles(this.blobs, unprocessed, received)),
    };
  }

  /** The lines the parsing phase ignored as duplicates: deduplication again, as it is decided from the rows alone. */
  private ignoredLines(state: BulkJobState, rows: InputRow[]): number[] {
    const { kept } = removeDuplicates(rows, this.rules(state), state.spec!.duplicateHandling);
    const keptLines = new Set(kept.map((r) => r.line));
    return rows.filter((r) => !keptLines.has(r.line)).map((r) => r.line);
  }

  /** Ends a job that cannot complete, or a dry run; rows it never reached (or a dry run's valid rows) are unprocessed. */
  private async end(job: Job, state: BulkJobState, chunks: ChunkData[], status: BulkJobEnding, reason: string) {
    const rows = state.upload?.rows ?? 0;
    const parsing = state.phases.parsing;
    const validation = state.phases.validation;
    const settled = (parsing?.ignored ?? 0) + (validation?.error ?? 0) + state.rowsProcessed;
    const unprocessed = Math.max(0, rows - settled);
    const files = await this.files(state, chunks, true);
    await this.releaseLock(job, state);
    await this.returnQuota(job, state);
    await this.commands.send(EndBulkJob, { status, reason, unprocessed, files }, { ...job, step: 'end' });
  }
}
