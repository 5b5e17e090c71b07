import { CompleteTask, FailTask, OpenTaskInput, RecordItems, RecordResultFile, ReturnQuota, StartTask, quotaId, streamName, StreamCategory } from '@batchyard/contracts';
import type { BlobStore } from '@batchyard/blob-store';
import type { EventStore } from '@batchyard/event-store';
import type { ReadStore } from '@batchyard/read-store';
import { Checkpoints, projectionCheckpoint } from '@batchyard/projections';
import { ItemsProjection, batchDocId, type BatchDoc } from '@batchyard/read-models';
import { workItems } from '@batchyard/observability';
import { AggregateCache, chunkAwaited, nextTaskStep, taskDecider, type TaskState, type TaskStep } from '@batchyard/write-side';
import { ResultFiles } from './result-files';
import { FileInput } from './file-input';
import { ShortIdClaims } from './short-id-claims';
import { TaskChunks } from './task-chunks';
import { TaskCommands, stepCommandId } from './task-commands';

type Task = { tenant: string; taskId: string };

/** Tasks whose folded state this process keeps between their steps (a task evicted is folded again from its start). */
const CACHED_TASKS = 1_000;
/** How long a chunk waits for the chunk before the last to show; past it (a read model stalled) it goes on. */
const PROJECTION_WAIT_MS = 60_000;

/**
 * Runs a task step by step: start, one chunk of items per step, then complete. Each step reads the task's stream
 * to find where it stands and only a chunk's worth of items is ever in memory, so any delivery of any of the
 * task's events resumes it after a crash, whatever the task's size.
 *
 * One step per delivery, and only for the task's latest event: the event the step appends brings the task back
 * behind whatever else waits on its bus partition, so tasks sharing a partition take turns a step at a time and
 * a cancel is seen at the next step (docs/tasks.md, "Sharing the worker, and cancelling").
 */
export class TaskRunner {
  private readonly commands: TaskCommands;
  private readonly fileInput: FileInput;
  private readonly chunks: TaskChunks;
  private readonly resultFiles: ResultFiles;
  private readonly tasks: AggregateCache;
  private readonly checkpoints: Checkpoints;

  constructor(
    private readonly events: EventStore,
    private readonly readStore: ReadStore,
    blobs: BlobStore,
    /** Items one task may make (the tenant limit; FILE_BASED rows are counted when the file is opened). */
    maxItems?: number,
  ) {
    this.commands = new TaskCommands(events, readStore);
    this.fileInput = new FileInput(readStore, blobs, maxItems);
    this.chunks = new TaskChunks(new ShortIdClaims(readStore), this.fileInput);
    this.resultFiles = new ResultFiles(events, blobs);
    this.tasks = new AggregateCache(events, CACHED_TASKS);
    this.checkpoints = new Checkpoints(readStore);
  }

  /**
   * Takes the task's next step, if any. `revision`: that of the delivered event; an earlier event of a task that
   * has a later one does nothing, since the later one's delivery follows it on the partition, so each task has
   * one step in turn however often its events are delivered again.
   */
  async advance(task: Task, revision?: number): Promise<void> {
    const stream = streamName(StreamCategory.task, task.tenant, task.taskId);
    const { state, revision: latest, causedBy } = await this.tasks.load(stream, taskDecider);
    if (revision !== undefined && revision < latest) return;
    const next = nextTaskStep(state);
    if (next.kind === 'nothing') return;
    // A cancel that came in meanwhile is the latest event now: its delivery takes the next step.
    const waited = await this.untilProjected(task, chunkAwaited(state), causedBy);
    if (waited && (await this.tasks.load(stream, taskDecider)).revision > latest) return;
    await this.step(task, state, next);
  }

  /**
   * A task runs at most one chunk ahead of its Thngs' read model: the chunk before the last must show before the
   * next step. The projections serve every tenant in event order, so a task that outran them would make every
   * write of every tenant behind it wait (read-your-writes) for its whole backlog. True when it waited.
   */
  private async untilProjected(task: Task, chunk: number | undefined, causedBy: ReadonlyMap<string, number>): Promise<boolean> {
    const position = chunk === undefined ? undefined : causedBy.get(stepCommandId({ ...task, step: `chunk:${chunk}` }));
    if (position === undefined) return false;
    await this.checkpoints.reachedWithin(projectionCheckpoint(ItemsProjection), position, PROJECTION_WAIT_MS);
    return true;
  }

  /** Does the I/O of the step the workflow chose from the task's folded state. */
  private async step(task: Task, state: TaskState, next: Exclude<TaskStep, { kind: 'nothing' }>): Promise<void> {
    const spec = state.spec!;
    const at = (step: string) => ({ ...task, step });
    switch (next.kind) {
      case 'cancel':
        return this.end(task, FailTask, { batchId: spec.batchId, error: next.error });
      case 'start':
        await this.commands.send(StartTask, { batchId: spec.batchId }, at('start'));
        return;
      case 'open-input': {
        const opened = await this.fileInput.open(task, spec.batchId, next.input);
        if ('error' in opened) await this.end(task, FailTask, opened);
        else await this.commands.send(OpenTaskInput, opened, at('open-input'));
        return;
      }
      case 'record-chunk': {
        if (!(await this.readStore.collection<BatchDoc>('batches').get(batchDocId(task.tenant, spec.batchId)))) {
          return this.end(task, FailTask, { batchId: spec.batchId, error: `Batch ${spec.batchId} was deleted` });
        }
        const data = await this.chunks.next(task, state, next.chunk, next.count);
        if (!data) {
          await this.commands.send(FailTask, { batchId: spec.batchId, error: 'The thngTemplate is too large: a chunk of this task has no room for its items' }, at('fail'));
          return;
        }
        await this.commands.send(RecordItems, data, at(`chunk:${next.chunk}`));
        workItems.inc({ kind: 'task_items' }, data.count);
        return;
      }
      case 'write-result-file':
        await this.commands.send(RecordResultFile, { batchId: spec.batchId, ...(await this.resultFiles.write(task.tenant, spec, state.items)) }, at('result-file'));
        return;
      case 'complete':
        return this.end(task, CompleteTask, next.data);
    }
  }

  /**
   * A task gives its place among its tenant's tasks back just before its final event, so whoever sees it ended may
   * queue the next at once; a crash in between repeats both, each at most once.
   */
  private async end(task: Task, definition: typeof CompleteTask | typeof FailTask, data: unknown): Promise<void> {
    await this.commands.send(ReturnQuota, { kind: 'tasks', holder: task.taskId }, { ...task, step: 'return-quota' }, quotaId('tasks'));
    await this.commands.send(definition, data, { ...task, step: definition === CompleteTask ? 'complete' : 'fail' });
  }
}
