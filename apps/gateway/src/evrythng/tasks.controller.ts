import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { CancelTask, EVRYTHNG_ID_PATTERN, QueueTask, SHORT_ID_VERSION, evrythngIdFrom, newEvrythngId, taskQuantity, type ResultFile } from '@batchyard/contracts';
import { BatchesProjection, ItemsProjection, TasksProjection, batchDocId, taskDocId, type BatchDoc, type TaskDoc, type TaskLogDoc } from '@batchyard/read-models';
import { Checkpoints, projectionCheckpoint } from '@batchyard/projections';
import type { Filter, FindOptions, ReadStore } from '@batchyard/read-store';
import type { Infrastructure } from '@batchyard/runtime';
import { CurrentCaller } from '../auth/auth.decorators';
import { sendBlob } from '../blobs/send-blob';
import type { SignedBlobs } from '../blobs/signed-blobs';
import type { Caller } from '../auth/caller';
import { CommandGateway } from '../commands/command-gateway';
import { ApiError } from '../http/api-error';
import { requireJsonBody } from '../http/json-body';
import { publicBase } from '../http/public-base';
import { ServerSentEvents } from '../http/server-sent-events';
import { parseInput } from '../http/zod-issues';
import type { IdempotentRequest } from '../idempotency/idempotency.interceptor';
import { COMMAND_GATEWAY, INFRASTRUCTURE, READ_STORE, SIGNED_BLOBS } from '../tokens';
import { keysetPage } from './listing';
import { TaskInputChecks } from './task-input-checks';
import { TASK_FIELDS, TaskCreateSchema, taskDocument, taskLogDocument } from './task-document';
import { taskPercent } from './task-progress';

const MAX_LOGS = 1_000;
/** A result file's `location` is signed afresh on every read and, like a private file's `contentUrl`, lasts 30 minutes. */
const RESULT_URL_SECONDS = 30 * 60;

/** EVRYTHNG `/batches/:batchId/tasks` (Seed A.4 to A.7); the task worker does the work. */
@Controller('batches/:batchId/tasks')
export class EvrythngTasksController {
  constructor(
    @Inject(COMMAND_GATEWAY) private readonly commands: CommandGateway,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
    @Inject(TaskInputChecks) private readonly inputChecks: TaskInputChecks,
    @Inject(SIGNED_BLOBS) private readonly signed: SignedBlobs,
    @Inject(ServerSentEvents) private readonly events: ServerSentEvents,
  ) {
    this.checkpoints = new Checkpoints(readStore);
  }

  private readonly checkpoints: Checkpoints;

  private get tasks() {
    return this.readStore.collection<TaskDoc>('tasks');
  }

  /** 202 and the task's Location, as EVRYTHNG answers; the task is PENDING when the answer leaves. */
  @Post()
  @HttpCode(202)
  async create(
    @Param('batchId') batchId: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
    @Req() req: IdempotentRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    requireJsonBody(req);
    await this.findBatch(caller, batchId);
    const spec = parseInput(TaskCreateSchema, body ?? {});
    this.checkItems(spec.inputParameters);
    await this.inputChecks.check(caller, spec.inputParameters, publicBase(this.infra, req));
    const taskId = req.commandId ? evrythngIdFrom(`task:${req.commandId}`) : newEvrythngId();
    // A SHORT_ID_GENERATION task's codes are a permutation keyed by a secret of its own; every new task draws its short
    // IDs the current way (EVRYTHNG's 50 symbols, unbiased), which the events record so that they replay the same.
    const ids = { taskId, batchId, shortIdVersion: SHORT_ID_VERSION };
    const queued = spec.type === 'SHORT_ID_GENERATION' ? { ...spec, ...ids, shortIdKey: randomBytes(32).toString('base64url') } : { ...spec, ...ids };
    // Queued, a task holds one of its tenant's places until it ends (taken by the write side, or 429).
    await this.commands.execute(QueueTask, queued, { caller, aggregateId: taskId, commandId: req.commandId, readModel: TasksProjection });
    res.location(`/batches/${batchId}/tasks/${taskId}`);
  }

  /**
   * A task larger than the tenant's items per task (`BATCHYARD_LIMIT_TASK_ITEMS`) is 400 on the field that sizes
   * it, as a quantity above 1,000,000 is: it would never run, however often it is sent. A FILE_BASED task's rows are
   * counted when the worker opens the file, which then ends the task FAILED.
   */
  private checkItems(input: z.infer<typeof TaskCreateSchema>['inputParameters']): void {
    const limit = this.infra.config.limits.taskItems;
    if (input.type === 'FILE_BASED' || taskQuantity(input) <= limit) return;
    const path = input.type === 'LIST_BASED' ? ['inputData'] : input.type === 'IDENTIFIERS_LIST_BASED' ? ['customIdentifier', 'values'] : ['quantity'];
    throw ApiError.validation([{ code: 'too_big', path: ['inputParameters', ...path], message: `a task makes at most ${limit} items in this account` }]);
  }

  @Get()
  async list(@Param('batchId') batchId: string, @Query() query: unknown, @CurrentCaller() caller: Caller, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    await this.findBatch(caller, batchId);
    // Only this batch's tasks: a `batch=` filter naming another batch matches nothing.
    const scoped = (filter: Filter): Filter | undefined => (filter.batchId === undefined || filter.batchId === batchId ? { ...filter, batchId } : undefined);
    const collection = {
      find: async (f: Filter, o: FindOptions) => (scoped(f) ? this.tasks.find(scoped(f)!, o) : []),
      count: async (f: Filter) => (scoped(f) ? this.tasks.count(scoped(f)!) : 0),
    };
    const base = publicBase(this.infra, req);
    const page = await keysetPage(collection, { tenant: caller.tenant, query, fields: TASK_FIELDS, base, resourcePath: `/batches/${batchId}/tasks` }, (n, v) =>
      res.setHeader(n, v),
    );
    return Promise.all(page.map((task) => this.document(task, base)));
  }

  @Get(':taskId')
  async read(@Param('batchId') batchId: string, @Param('taskId') taskId: string, @CurrentCaller() caller: Caller, @Req() req: Request) {
    return this.document(await this.findTask(caller, batchId, taskId), publicBase(this.infra, req));
  }

  /** The task's result file for the tenant's keys (another tenant's task is not found); `result.location` is its signed URL, which needs no key. */
  @Get(':taskId/result')
  async result(@Param('batchId') batchId: string, @Param('taskId') taskId: string, @CurrentCaller() caller: Caller, @Res() res: Response): Promise<void> {
    const { resultFile } = await this.findTask(caller, batchId, taskId);
    if (!resultFile) throw new ApiError('NOT_FOUND', `Task ${taskId} has no result file`);
    await sendBlob(res, this.signed.blobs, resultFile.hash, `${taskId}.${resultFile.format.toLowerCase()}`);
  }

  /** The task's error log, oldest first; the spec gives it no paging, so it answers the first 1,000 entries. */
  @Get(':taskId/logs')
  async logs(@Param('batchId') batchId: string, @Param('taskId') taskId: string, @CurrentCaller() caller: Caller) {
    await this.findTask(caller, batchId, taskId);
    const logs = await this.readStore.collection<TaskLogDoc>('task_logs').find({ tenant: caller.tenant, taskId }, { sort: [['index', 1]], limit: MAX_LOGS });
    return logs.map(taskLogDocument);
  }

  /**
   * Batchyard's addition to the EVRYTHNG API: the task's progress as server-sent events, `progress` each time its
   * document changes and `end` once it reads as ended, each `{task, percent}` (the task document as GET answers it). The
   * console watches a task with it. Another tenant's or an unknown task is 404 before the stream starts.
   */
  @Get(':taskId/progress')
  async progress(@Param('batchId') batchId: string, @Param('taskId') taskId: string, @CurrentCaller() caller: Caller, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.findTask(caller, batchId, taskId);
    const base = publicBase(this.infra, req);
    await this.events.stream(req, res, async () => {
      const task = await this.findTask(caller, batchId, taskId);
      const doc = await this.document(task, base);
      return { data: { task: doc, percent: taskPercent(task, doc.status) }, ended: doc.completedAt !== undefined };
    });
  }

  /**
   * Batchyard's addition to the EVRYTHNG API: cancels a pending or running task. 202 with the task, CANCELLING; the
   * worker then ends it FAILED, keeping the items made so far. An ended task is 409. The answer does not wait for the
   * tasks read model: a large task keeps the projections busy with its own chunks, and the cancel must not queue
   * behind the very work it stops. So a read right after may still show EXECUTING, until the read model has the cancel.
   */
  @Post(':taskId/cancel')
  @HttpCode(202)
  async cancel(@Param('batchId') batchId: string, @Param('taskId') taskId: string, @CurrentCaller() caller: Caller, @Req() req: Request) {
    await this.findTask(caller, batchId, taskId);
    await this.commands.execute(CancelTask, { batchId }, { caller, aggregateId: taskId, readModel: [] });
    const task = await this.findTask(caller, batchId, taskId);
    return this.document(task.endPosition === undefined ? { ...task, status: 'CANCELLING', cancelled: true } : task, publicBase(this.infra, req));
  }

  /**
   * A task ends, to its readers, once its Thngs, redirections and batch show all of its work: until the items,
   * batches and tasks read models (the last written collection by collection) reach the event that ended it, it still reads EXECUTING (CANCELLING when cancelled).
   */
  private async document(task: TaskDoc, base: string) {
    if (task.endPosition === undefined) return taskDocument(task);
    const reached = await Promise.all([ItemsProjection, BatchesProjection, TasksProjection].map((p) => this.checkpoints.get(projectionCheckpoint(p))));
    if (Math.min(...reached) >= task.endPosition) return taskDocument(task, task.resultFile && this.resultLocation(base, task.taskId, task.resultFile));
    const { completedAt: _, endPosition: __, error: ___, ...running } = task;
    return taskDocument({ ...running, status: task.cancelled ? 'CANCELLING' : 'EXECUTING' });
  }

  private resultLocation(base: string, taskId: string, file: ResultFile): string {
    return this.signed.urlFor(base, file.hash, { expiresInSeconds: RESULT_URL_SECONDS, filename: `${taskId}.${file.format.toLowerCase()}` });
  }

  private async findBatch(caller: Caller, batchId: string): Promise<BatchDoc> {
    const doc = EVRYTHNG_ID_PATTERN.test(batchId) ? await this.readStore.collection<BatchDoc>('batches').get(batchDocId(caller.tenant, batchId)) : undefined;
    if (!doc) throw new ApiError('NOT_FOUND', `Batch ${batchId} not found`);
    return doc;
  }

  /** A task of this batch; tasks stay readable after their batch is deleted, as EVRYTHNG keeps them. */
  private async findTask(caller: Caller, batchId: string, taskId: string): Promise<TaskDoc> {
    const task = EVRYTHNG_ID_PATTERN.test(taskId) ? await this.tasks.get(taskDocId(caller.tenant, taskId)) : undefined;
    if (!task || task.batchId !== batchId) throw new ApiError('NOT_FOUND', `Task ${taskId} not found`);
    return task;
  }
}
