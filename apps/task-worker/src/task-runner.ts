import {
  CompleteTask,
  EventCatalogue,
  FailTask,
  OpenTaskInput,
  RecordItems,
  RecordResultFile,
  StartTask,
  streamName,
  StreamCategory,
  resultColumns,
  taskChunkSize,
  taskQuantity,
} from '@batchyard/contracts';
import type { BlobStore } from '@batchyard/blob-store';
import type { EventStore } from '@batchyard/event-store';
import type { ReadStore } from '@batchyard/read-store';
import { batchDocId, type BatchDoc } from '@batchyard/read-models';
import { workItems } from '@batchyard/observability';
import { isTerminal, taskDecider, type TaskState } from '../../batch-service/src/tasks/task.decider';
import { ResultFiles } from './result-files';
import { FileInput, refusedRows, rowsRead } from './file-input';
import { ShortIdClaims } from './short-id-claims';
import { TaskChunks } from './task-chunks';
import { TaskCommands } from './task-commands';

type Task = { tenant: string; taskId: string };

/** How long one delivery keeps advancing a task; the events it appended bring the task back for the rest. */
const STEP_BUDGET_MS = 5_000;
const known = new Set(EventCatalogue.map((d) => d.type));

/**
 * Runs a task step by step: start, one chunk of items per step, then complete. Each step reads the task's stream
 * to find where it stands and only a chunk's worth of items is ever in memory, so any delivery of any of the
 * task's events resumes it after a crash, whatever the task's size.
 */
export class TaskRunner {
  private readonly commands: TaskCommands;
  private readonly fileInput: FileInput;
  private readonly chunks: TaskChunks;
  private readonly resultFiles: ResultFiles;

  constructor(
    private readonly events: EventStore,
    private readonly readStore: ReadStore,
    blobs: BlobStore,
  ) {
    this.commands = new TaskCommands(events, readStore);
    this.fileInput = new FileInput(readStore, blobs);
    this.chunks = new TaskChunks(new ShortIdClaims(readStore), this.fileInput);
    this.resultFiles = new ResultFiles(events, blobs);
  }

  async advance(task: Task): Promise<void> {
    const stream = streamName(StreamCategory.task, task.tenant, task.taskId);
    let state = taskDecider.initialState();
    let revision = 0;
    const deadline = Date.now() + STEP_BUDGET_MS;
    for (;;) {
      for (const event of await this.events.readStream(stream, { fromRevision: revision })) {
        if (known.has(event.type)) state = taskDecider.evolve(state, event);
        revision = event.revision + 1;
      }
      if (state.status === 'NEW' || isTerminal(state.status) || Date.now() > deadline) return;
      await this.step(task, state);
      // Embedded stores answer synchronously: let other work of this process (requests, projections) in between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async step(task: Task, state: TaskState): Promise<void> {
    const spec = state.spec!;
    const at = (step: string) => ({ ...task, step });
    if (state.status === 'CANCELLING') {
      await this.commands.send(FailTask, { batchId: spec.batchId, error: `Cancelled after ${state.items} of ${taskQuantity(spec.inputParameters, state.input)} items` }, at('fail'));
      return;
    }
    if (state.status === 'PENDING') {
      await this.commands.send(StartTask, { batchId: spec.batchId }, at('start'));
      return;
    }
    if (spec.inputParameters.type === 'FILE_BASED' && !state.input) {
      const opened = await this.fileInput.open(task, spec.batchId, spec.inputParameters);
      if ('error' in opened) await this.commands.send(FailTask, opened, at('fail'));
      else await this.commands.send(OpenTaskInput, opened, at('open-input'));
      return;
    }
    const quantity = taskQuantity(spec.inputParameters, state.input);
    if (rowsRead(state) < quantity) {
      if (!(await this.readStore.collection<BatchDoc>('batches').get(batchDocId(task.tenant, spec.batchId)))) {
        await this.commands.send(FailTask, { batchId: spec.batchId, error: `Batch ${spec.batchId} was deleted` }, at('fail'));
        return;
      }
      const chunk = state.nextChunk;
      const data = await this.chunks.next(task, state, chunk, Math.min(taskChunkSize(quantity), quantity - rowsRead(state)));
      if (!data) {
        await this.commands.send(FailTask, { batchId: spec.batchId, error: 'The thngTemplate is too large: a chunk of this task has no room for its items' }, at('fail'));
        return;
      }
      await this.commands.send(RecordItems, data, at(`chunk:${chunk}`));
      workItems.inc({ kind: 'task_items' }, data.count);
      return;
    }
    if (resultColumns(spec) && !state.resultFile) {
      await this.commands.send(RecordResultFile, { batchId: spec.batchId, ...(await this.resultFiles.write(task.tenant, spec, state.items)) }, at('result-file'));
      return;
    }
    const input = spec.type === 'POPULATING' ? spec.inputParameters : undefined;
    await this.commands.send(
      CompleteTask,
      {
        batchId: spec.batchId,
        status: state.clashes + refusedRows(state) ? 'EXECUTED_WITH_FAILURES' : 'EXECUTED',
        totalThngsCreated: input?.generateThngs ? state.items : 0,
        totalUrlBindingsCreated: input?.generateRedirections ? state.items - state.clashes : 0,
        failedOperationsAmount: state.clashes + refusedRows(state),
      },
      at('complete'),
    );
  }
}
