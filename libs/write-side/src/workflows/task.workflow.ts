import type { z } from 'zod';
import { resultColumns, taskChunkSize, taskQuantity, type CommandData, type CompleteTask, type FileBasedInputSchema } from '@batchyard/contracts';
import { isTerminal, type TaskState } from '../tasks/task.decider';

/** Rows of a FILE_BASED task's file read so far (items made and rows refused); for other tasks, their items. */
export const rowsRead = (state: TaskState) => state.input?.next.row ?? state.items;
/** Rows of the file that made no item. */
export const refusedRows = (state: TaskState) => rowsRead(state) - state.items;

/** The task's next step, chosen from its folded state alone; the runner does the I/O each one needs. */
export type TaskStep =
  | { kind: 'nothing' }
  /** Cancelled: the task ends failed with this error. */
  | { kind: 'cancel'; error: string }
  | { kind: 'start' }
  | { kind: 'open-input'; input: z.infer<typeof FileBasedInputSchema> }
  /** Chunk `chunk` of at most `count` items (fewer when they do not fit its event). */
  | { kind: 'record-chunk'; chunk: number; count: number }
  | { kind: 'write-result-file' }
  | { kind: 'complete'; data: CommandData<typeof CompleteTask> };

export function nextTaskStep(state: TaskState): TaskStep {
  if (state.status === 'NEW' || isTerminal(state.status)) return { kind: 'nothing' };
  const spec = state.spec!;
  if (state.status === 'CANCELLING') return { kind: 'cancel', error: `Cancelled after ${state.items} of ${taskQuantity(spec.inputParameters, state.input)} items` };
  if (state.status === 'PENDING') return { kind: 'start' };
  if (spec.inputParameters.type === 'FILE_BASED' && !state.input) return { kind: 'open-input', input: spec.inputParameters };
  const quantity = taskQuantity(spec.inputParameters, state.input);
  if (rowsRead(state) < quantity) return { kind: 'record-chunk', chunk: state.nextChunk, count: Math.min(taskChunkSize(quantity), quantity - rowsRead(state)) };
  if (resultColumns(spec) && !state.resultFile) return { kind: 'write-result-file' };
  const input = spec.type === 'POPULATING' ? spec.inputParameters : undefined;
  const failed = state.clashes + refusedRows(state);
  return {
    kind: 'complete',
    data: {
      batchId: spec.batchId,
      status: failed ? 'EXECUTED_WITH_FAILURES' : 'EXECUTED',
      totalThngsCreated: input?.generateThngs ? state.items : 0,
      totalUrlBindingsCreated: input?.generateRedirections ? state.items - state.clashes : 0,
      failedOperationsAmount: failed,
    },
  };
}

/**
 * The chunk whose items must show in the Thngs' read model before a running task's next step: the one before the
 * last, so a task runs at most one chunk ahead of the projections that serve every tenant (docs/tasks.md).
 */
export const chunkAwaited = (state: TaskState): number | undefined => (state.status === 'EXECUTING' && state.nextChunk >= 2 ? state.nextChunk - 2 : undefined);
