import {
  BulkJobCancelRequested,
  BulkJobCompleted,
  BulkJobExpired,
  BulkJobFailed,
  BulkJobQueued,
  BulkJobRequested,
  BulkJobTimedOut,
  BulkJobValidated,
  CancelBulkJob,
  ChunkProcessed,
  CompleteBulkJob,
  EndBulkJob,
  PhaseCompleted,
  QueueBulkJob,
  RecordChunk,
  RecordPhases,
  RequestBulkJob,
  ReserveBulkJobPayload,
  type BulkJobSpec,
  type EventData,
  type PhaseName,
} from '@batchyard/contracts';
import { DomainError, unknownCommand, type CommandOf, type Decider, type EventOf } from '../command-handling/decider';
import { NO_RESERVATIONS, allOf, bulkLock, quotaShare, type Reserves } from '../reservations/reservations';

export type BulkJobStatus = 'none' | 'requested' | 'queued' | 'processing' | 'completed' | 'failed' | 'timed_out' | 'expired';
type Upload = EventData<typeof BulkJobQueued>['upload'];
type ChunkRef = NonNullable<EventData<typeof PhaseCompleted>['chunks']>[number];

/** A bulk job as its stream tells it: enough for the processor to know the next step, and for the rules below. */
export interface BulkJobState {
  status: BulkJobStatus;
  spec?: BulkJobSpec;
  upload?: Upload;
  deadlineAt?: string;
  expiresAt?: string;
  phases: Partial<Record<PhaseName, EventData<typeof PhaseCompleted>>>;
  /** The validated rows, chunked; processing writes them in this order. */
  chunks: ChunkRef[];
  chunksDone: { processing: number; cleanup: number };
  /** Rows of processing chunks done (written or rejected there). */
  rowsProcessed: number;
  /** Set once a caller asked to cancel: the job's next step ends it with this reason. */
  cancelReason?: string;
}

const TERMINAL: readonly BulkJobStatus[] = ['completed', 'failed', 'timed_out', 'expired'];
const ENDINGS = {
  [BulkJobFailed.type]: 'failed',
  [BulkJobTimedOut.type]: 'timed_out',
  [BulkJobExpired.type]: 'expired',
  [BulkJobValidated.type]: 'completed',
} as const;

export const isTerminal = (status: BulkJobStatus) => TERMINAL.includes(status);

function mustBeRunning(state: BulkJobState, jobId: string): void {
  if (state.status === 'none') throw new DomainError('not_found', `bulk job ${jobId} not found`);
  if (state.status === 'requested') throw new DomainError('conflict', `bulk job ${jobId} has no upload yet`);
  if (isTerminal(state.status)) throw new DomainError('conflict', `bulk job ${jobId} is ${state.status}`);
}

/** A job may take an upload while it is requested and not being cancelled. */
function requestedUpload(state: BulkJobState, jobId: string): void {
  if (state.status === 'none') throw new DomainError('not_found', `bulk job ${jobId} not found`);
  if (state.status !== 'requested') throw new DomainError('conflict', `bulk job ${jobId} already has its upload`);
  if (state.cancelReason !== undefined) throw new DomainError('conflict', `bulk job ${jobId} is being cancelled`);
}

type BulkJobCommand =
  | CommandOf<typeof RequestBulkJob>
  | CommandOf<typeof ReserveBulkJobPayload>
  | CommandOf<typeof QueueBulkJob>
  | CommandOf<typeof RecordPhases>
  | CommandOf<typeof RecordChunk>
  | CommandOf<typeof CompleteBulkJob>
  | CommandOf<typeof CancelBulkJob>
  | CommandOf<typeof EndBulkJob>;
type BulkJobEvent =
  | EventOf<typeof BulkJobRequested>
  | EventOf<typeof BulkJobQueued>
  | EventOf<typeof PhaseCompleted>
  | EventOf<typeof ChunkProcessed>
  | EventOf<typeof BulkJobCancelRequested>
  | EventOf<typeof BulkJobCompleted>
  | EventOf<typeof BulkJobFailed>
  | EventOf<typeof BulkJobTimedOut>
  | EventOf<typeof BulkJobExpired>
  | EventOf<typeof BulkJobValidated>;

export const bulkJobDecider: Decider<BulkJobState, BulkJobCommand, BulkJobEvent> = {
  initialState: () => ({ status: 'none', phases: {}, chunks: [], chunksDone: { processing: 0, cleanup: 0 }, rowsProcessed: 0 }),

  decide(command, state): BulkJobEvent[] {
    const jobId = command.aggregateId;
    switch (command.type) {
      case RequestBulkJob.type: {
        if (state.status !== 'none') throw new DomainError('conflict', `bulk job ${jobId} already exists`);
        const { uploadBytes: _reservedOnly, ...data } = command.data;
        return [{ type: BulkJobRequested.type, data: { ...data, createdBy: command.actor } }];
      }
      case ReserveBulkJobPayload.type:
        requestedUpload(state, jobId);
        return [];
      case QueueBulkJob.type: {
        const { spec, ...rest } = command.data;
        if (spec) {
          if (state.status !== 'none') throw new DomainError('conflict', `bulk job ${jobId} already exists`);
          return [{ type: BulkJobQueued.type, data: { ...rest, spec: { ...spec, createdBy: command.actor } } }];
        }
        requestedUpload(state, jobId);
        return [{ type: BulkJobQueued.type, data: rest }];
      }
      case RecordPhases.type: {
        mustBeRunning(state, jobId);
        const { phases } = command.data;
        for (const phase of phases) {
          if (state.phases[phase.phase]) throw new DomainError('conflict', `phase ${phase.phase} of ${jobId} is recorded already`);
        }
        return phases.map((data) => ({ type: PhaseCompleted.type, data }));
      }
      case RecordChunk.type: {
        mustBeRunning(state, jobId);
        const data = command.data;
        const expected = state.chunksDone[data.phase];
        if (data.chunk !== expected) throw new DomainError('conflict', `${data.phase} chunk ${data.chunk} of ${jobId}: expected chunk ${expected}`);
        return [{ type: ChunkProcessed.type, data }];
      }
      case CompleteBulkJob.type: {
        mustBeRunning(state, jobId);
        return [{ type: BulkJobCompleted.type, data: command.data }];
      }
      case CancelBulkJob.type: {
        if (state.status === 'none') throw new DomainError('not_found', `bulk job ${jobId} not found`);
        if (isTerminal(state.status)) throw new DomainError('conflict', `bulk job ${jobId} is ${state.status}`);
        // A second cancel before the job has ended asks for nothing new.
        if (state.cancelReason !== undefined) return [];
        return [{ type: BulkJobCancelRequested.type, data: command.data }];
      }
      case EndBulkJob.type: {
        if (state.status === 'none') throw new DomainError('not_found', `bulk job ${jobId} not found`);
        if (isTerminal(state.status)) throw new DomainError('conflict', `bulk job ${jobId} is ${state.status}`);
        const { status, ...data } = command.data;
        return [{ type: status, data }];
      }
      default:
        return unknownCommand(command);
    }
  },

  evolve(state, event): BulkJobState {
    switch (event.type) {
      case BulkJobRequested.type: {
        const { expiresAt, ...spec } = event.data;
        return { ...state, status: 'requested', spec, expiresAt };
      }
      case BulkJobQueued.type: {
        const data = event.data;
        return { ...state, status: 'queued', spec: data.spec ?? state.spec, upload: data.upload, deadlineAt: data.deadlineAt };
      }
      case PhaseCompleted.type: {
        const data = event.data;
        return { ...state, phases: { ...state.phases, [data.phase]: data }, chunks: data.chunks ?? state.chunks };
      }
      case ChunkProcessed.type: {
        const data = event.data;
        const rows = data.phase === 'processing' ? data.writes.length + data.errors.length : 0;
        return {
          ...state,
          status: 'processing',
          chunksDone: { ...state.chunksDone, [data.phase]: state.chunksDone[data.phase] + 1 },
          rowsProcessed: state.rowsProcessed + rows,
        };
      }
      case BulkJobCancelRequested.type:
        return { ...state, cancelReason: event.data.reason };
      case BulkJobCompleted.type:
        return { ...state, status: 'completed' };
      case BulkJobFailed.type:
      case BulkJobTimedOut.type:
      case BulkJobExpired.type:
      case BulkJobValidated.type:
        return { ...state, status: ENDINGS[event.type] };
      default:
        return state;
    }
  },
};

/** A lock outlives its job's own bound by this much: a step the processor began before the deadline may append after it. */
const LOCK_GRACE_MS = 5 * 60_000;
const lockedUntil = (at: string) => new Date(Date.parse(at) + LOCK_GRACE_MS).toISOString();
/** Overwrite and delete jobs run one per resource type and tenant at a time; merges run side by side. */
const exclusive = (spec: Pick<BulkJobSpec, 'action'>) => spec.action !== 'merge';

/**
 * What a job holds while it is queued or running (docs/operations.md, "Limits"): one of its tenant's places for bulk
 * jobs and its upload's bytes, and for an overwrite or delete its resource type's lock. A job created with its data
 * takes them all as it is requested, before the gateway stores the payload (a refused job stores nothing); one
 * waiting for an upload takes the lock until its URL expires, and the rest when the upload comes
 * (`ReserveBulkJobPayload`, before the upload is stored). Queueing takes
 * them again: what is held already is a retry and changes nothing, and the lock moves to the job's deadline. The
 * places come first, so a refused place leaves a requested job's lock as it was. The bulk processor gives them back
 * as the job ends, an expired request included.
 */
export const bulkJobReservations: Reserves<BulkJobState, BulkJobCommand> = (command, state, context) => {
  const holding = (spec: Pick<BulkJobSpec, 'jobId' | 'resource' | 'action'>, bytes: number | undefined, until: string) =>
    allOf(
      bytes === undefined ? NO_RESERVATIONS : allOf(quotaShare(context, 'bulk-jobs', spec.jobId, 1), quotaShare(context, 'stored-bytes', `upload:${spec.jobId}`, bytes)),
      exclusive(spec) ? bulkLock(spec.resource, spec.jobId, lockedUntil(until)) : NO_RESERVATIONS,
    );
  switch (command.type) {
    case RequestBulkJob.type:
      return state.status === 'none' ? holding(command.data, command.data.uploadBytes, command.data.expiresAt) : NO_RESERVATIONS;
    case ReserveBulkJobPayload.type:
      return state.status === 'requested' && state.spec && state.expiresAt ? holding(state.spec, command.data.bytes, state.expiresAt) : NO_RESERVATIONS;
    case QueueBulkJob.type: {
      const { spec = state.spec, upload, deadlineAt } = command.data;
      return spec && (state.status === 'none' || state.status === 'requested') ? holding(spec, upload.size, deadlineAt) : NO_RESERVATIONS;
    }
    default:
      return NO_RESERVATIONS;
  }
};

export const bulkJobCommands = [RequestBulkJob, ReserveBulkJobPayload, QueueBulkJob, RecordPhases, RecordChunk, CompleteBulkJob, EndBulkJob, CancelBulkJob];
