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
  chunkItems,
  resultColumns,
  taskChunkSize,
  taskQuantity,
  type EventData,
  type ItemsGenerated,
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
import { shortIdCodes } from './short-id-generation';
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
  private readonly claims: ShortIdClaims;
  private readonly fileInput: FileInput;
  private readonly resultFiles: ResultFiles;

  constructor(
    private readonly events: EventStore,
    private readonly readStore: ReadStore,
    blobs: BlobStore,
  ) {
    this.commands = new TaskCommands(events, readStore);
    this.claims = new ShortIdClaims(readStore);
    this.fileInput = new FileInput(readStore, blobs);
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
      const count = Math.min(taskChunkSize(quantity), quantity - rowsRead(state));
      await this.commands.send(RecordItems, await this.chunk(task, state, chunk, count), at(`chunk:${chunk}`));
      workItems.inc({ kind: 'task_items' }, count);
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

  private async chunk(task: Task, state: TaskState, chunk: number, count: number): Promise<EventData<typeof ItemsGenerated>> {
    const spec = state.spec!;
    const first = state.items;
    if (spec.type === 'SHORT_ID_GENERATION') {
      return { batchId: spec.batchId, chunk, first, count, shortIds: shortIdCodes(spec.inputParameters, spec.shortIdKey)(first, count), clashes: [] };
    }
    const { batchId, inputParameters: input } = spec;
    const redirect = input.generateRedirections ? { shortDomain: input.shortDomain!, url: input.defaultRedirectUrl! } : undefined;
    const slice = <T>(list: readonly T[]) => list.slice(first, first + count);
    const given = {
      ...(input.type === 'LIST_BASED' && { shortIds: slice(input.inputData).map((d) => d.shortId) }),
      ...(input.type === 'IDENTIFIERS_LIST_BASED' && { identifier: { key: input.customIdentifier.key, values: slice(input.customIdentifier.values) } }),
      ...(input.type === 'FILE_BASED' && (await this.fileInput.chunk(state, count))),
    };
    let clashes: { index: number; shortId: string }[] = [];
    if (redirect) {
      const items = [...chunkItems(task.taskId, { chunk, first, count, ...given })];
      clashes = (await this.claims.claim(task.tenant, task.taskId, redirect.shortDomain, items)).map(({ index, shortId }) => ({ index, shortId }));
    }
    return { batchId, chunk, first, count, ...(input.generateThngs && { thngTemplate: input.thngTemplate }), ...(redirect && { redirect }), ...given, clashes };
  }
}
