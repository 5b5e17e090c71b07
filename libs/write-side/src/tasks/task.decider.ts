import {
  CancelTask,
  CompleteTask,
  FailTask,
  ItemsGenerated,
  OpenTaskInput,
  QueueTask,
  RecordItems,
  RecordResultFile,
  StartTask,
  TaskCancelRequested,
  TaskCompleted,
  TaskFailed,
  TaskInputOpened,
  TaskQueued,
  TaskResultFileWritten,
  TaskStarted,
  resultColumns,
  type EventData,
  type FileCursor,
  type ResultFile,
  type TaskSpec,
} from '@batchyard/contracts';
import { DomainError, unknownCommand, type CommandOf, type Decider, type EventOf } from '../command-handling/decider';
import { NO_RESERVATIONS, quotaShare, type Reserves } from '../reservations/reservations';

export type TaskStatus = 'NEW' | 'PENDING' | 'EXECUTING' | 'CANCELLING' | 'EXECUTED' | 'EXECUTED_WITH_FAILURES' | 'FAILED';

export interface TaskState {
  status: TaskStatus;
  spec?: TaskSpec;
  /** The next chunk to record; chunks are recorded in order. */
  nextChunk: number;
  /** Items recorded so far, and how many of their redirections clashed. */
  items: number;
  clashes: number;
  /** A FILE_BASED task's input, once opened, and where its next chunk starts. */
  input?: Omit<EventData<typeof TaskInputOpened>, 'batchId' | 'offset' | 'line'> & { next: FileCursor };
  /** The result file, once written. */
  resultFile?: ResultFile;
}

const TERMINAL: readonly TaskStatus[] = ['EXECUTED', 'EXECUTED_WITH_FAILURES', 'FAILED'];
export const isTerminal = (status: TaskStatus) => TERMINAL.includes(status);

/**
 * A task's life: queued, started, its chunks in order, then completed or failed. A step already taken answers
 * with no events, so the worker may repeat any step after a crash.
 */
type TaskCommand =
  | CommandOf<typeof QueueTask>
  | CommandOf<typeof CancelTask>
  | CommandOf<typeof StartTask>
  | CommandOf<typeof OpenTaskInput>
  | CommandOf<typeof RecordItems>
  | CommandOf<typeof RecordResultFile>
  | CommandOf<typeof CompleteTask>
  | CommandOf<typeof FailTask>;
type TaskEvent =
  | EventOf<typeof TaskQueued>
  | EventOf<typeof TaskCancelRequested>
  | EventOf<typeof TaskStarted>
  | EventOf<typeof TaskInputOpened>
  | EventOf<typeof ItemsGenerated>
  | EventOf<typeof TaskResultFileWritten>
  | EventOf<typeof TaskCompleted>
  | EventOf<typeof TaskFailed>;

/** A task holds one of its tenant's places from when it is queued until it ends (the task worker gives it back). */
export const taskReservations: Reserves<TaskState, TaskCommand> = (command, state, context) =>
  command.type === QueueTask.type && state.status === 'NEW' ? quotaShare(context, 'tasks', command.aggregateId, 1) : NO_RESERVATIONS;

export const taskDecider: Decider<TaskState, TaskCommand, TaskEvent> = {
  initialState: () => ({ status: 'NEW', nextChunk: 0, items: 0, clashes: 0 }),

  decide(command, state) {
    if (command.type === QueueTask.type) {
      if (state.status !== 'NEW') throw new DomainError('conflict', `task ${command.aggregateId} already exists`);
      return [{ type: TaskQueued.type, data: { ...command.data, createdBy: command.actor } }];
    }
    if (state.status === 'NEW') throw new DomainError('not_found', `Task ${command.aggregateId} not found`);
    if (command.type === CancelTask.type) {
      if (isTerminal(state.status)) throw new DomainError('conflict', `Task ${command.aggregateId} has already ended`);
      return state.status === 'CANCELLING' ? [] : [{ type: TaskCancelRequested.type, data: command.data }];
    }
    if (isTerminal(state.status)) return [];
    // Once cancelling, only the end is recorded: a chunk or completion still in flight is dropped.
    if (state.status === 'CANCELLING' && command.type !== FailTask.type) return [];
    switch (command.type) {
      case StartTask.type:
        return state.status === 'PENDING' ? [{ type: TaskStarted.type, data: command.data }] : [];
      case OpenTaskInput.type:
        if (state.status !== 'EXECUTING') throw new DomainError('conflict', 'task has not started');
        return state.input ? [] : [{ type: TaskInputOpened.type, data: command.data }];
      case RecordItems.type: {
        const data = command.data;
        if (state.status !== 'EXECUTING') throw new DomainError('conflict', 'task has not started');
        if (data.chunk < state.nextChunk) return [];
        if (data.chunk > state.nextChunk) throw new DomainError('conflict', `chunk ${data.chunk} before chunk ${state.nextChunk}`);
        return [{ type: ItemsGenerated.type, data }];
      }
      case RecordResultFile.type:
        if (state.status !== 'EXECUTING') throw new DomainError('conflict', 'task has not started');
        return state.resultFile ? [] : [{ type: TaskResultFileWritten.type, data: command.data }];
      case CompleteTask.type:
        if (resultColumns(state.spec!) && !state.resultFile) throw new DomainError('conflict', "the task's result file has not been written");
        return [{ type: TaskCompleted.type, data: command.data }];
      case FailTask.type:
        return [{ type: TaskFailed.type, data: command.data }];
      default:
        return unknownCommand(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case TaskQueued.type: {
        const { createdBy: _, ...spec } = event.data;
        return { ...state, status: 'PENDING', spec };
      }
      case TaskStarted.type:
        return { ...state, status: 'EXECUTING' };
      case TaskInputOpened.type: {
        const { batchId: _, offset, line, ...input } = event.data;
        return { ...state, input: { ...input, next: { offset, line, row: 0 } } };
      }
      case ItemsGenerated.type: {
        const data = event.data;
        const input = data.file && state.input && { ...state.input, next: data.file.next };
        return { ...state, nextChunk: data.chunk + 1, items: state.items + data.count, clashes: state.clashes + data.clashes.length, ...(input && { input }) };
      }
      case TaskResultFileWritten.type: {
        const { batchId: _, ...resultFile } = event.data;
        return { ...state, resultFile };
      }
      case TaskCompleted.type:
        return { ...state, status: event.data.status };
      case TaskCancelRequested.type:
        return { ...state, status: 'CANCELLING' };
      case TaskFailed.type:
        return { ...state, status: 'FAILED' };
      default:
        return state;
    }
  },
};
