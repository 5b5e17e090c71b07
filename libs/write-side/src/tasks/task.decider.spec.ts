import {
  CancelTask,
  CompleteTask,
  FailTask,
  ItemsGenerated,
  QueueTask,
  RecordItems,
  RecordResultFile,
  StartTask,
  TaskCancelRequested,
  TaskFailed,
  TaskQueued,
  TaskResultFileWritten,
  TaskStarted,
  type CommandData,
  type CommandEnvelope,
} from '@batchyard/contracts';
import { DomainError } from '../command-handling/decider';
import { taskDecider, type TaskState } from './task.decider';
import { afterCommands, commandsTo } from '../command-handling/testing';

const actor = { keyId: 'k1', name: 'ci', role: 'operator' as const };
const command = commandsTo('t1', actor);
const spec: CommandData<typeof QueueTask> = {
  taskId: 't1',
  batchId: 'b1',
  type: 'POPULATING',
  inputParameters: { type: 'FIXED_AMOUNT', generateThngs: true, generateRedirections: false, thngTemplate: { name: 'x' }, quantity: 1_500 },
};
const queue = command(QueueTask, spec);
const start = command(StartTask, { batchId: 'b1' });
const chunk = (n: number, count = 1_000, clashes: { index: number; shortId: string }[] = []) => command(RecordItems, { batchId: 'b1', chunk: n, first: n * 1_000, count, clashes });
const fold = (...commands: CommandEnvelope[]): TaskState => afterCommands(taskDecider, ...commands);

describe('task decider', () => {
  it('queues a task once, recording who asked', () => {
    expect(taskDecider.decide(queue, taskDecider.initialState())).toEqual([{ type: TaskQueued.type, data: { ...spec, createdBy: actor } }]);
    expect(() => taskDecider.decide(queue, fold(queue))).toThrow(DomainError);
  });

  it('refuses steps of a task that does not exist', () => {
    expect(() => taskDecider.decide(start, taskDecider.initialState())).toThrow(DomainError);
  });

  it('starts once; a repeated start records nothing', () => {
    expect(taskDecider.decide(start, fold(queue))).toEqual([{ type: TaskStarted.type, data: { batchId: 'b1' } }]);
    expect(taskDecider.decide(start, fold(queue, start))).toEqual([]);
  });

  it('records chunks in order: a repeated chunk records nothing, a skipped one is refused', () => {
    const state = fold(queue, start, chunk(0));
    expect(state).toMatchObject({ nextChunk: 1, items: 1_000, clashes: 0 });
    expect(taskDecider.decide(chunk(0), state)).toEqual([]);
    expect(() => taskDecider.decide(chunk(2), state)).toThrow(DomainError);
    expect(taskDecider.decide(chunk(1, 500), state)).toEqual([{ type: ItemsGenerated.type, data: chunk(1, 500).data }]);
    expect(() => taskDecider.decide(chunk(0), fold(queue))).toThrow(DomainError);
  });

  it('counts clashes and ends once; nothing is recorded after the end', () => {
    const state = fold(queue, start, chunk(0, 1_000, [{ index: 3, shortId: 'abc' }]), chunk(1, 500));
    expect(state).toMatchObject({ items: 1_500, clashes: 1 });
    const complete = command(CompleteTask, {
      batchId: 'b1',
      status: 'EXECUTED_WITH_FAILURES',
      totalThngsCreated: 1_500,
      totalUrlBindingsCreated: 0,
      failedOperationsAmount: 1,
    });
    const ended = fold(queue, start, chunk(0), complete);
    expect(ended.status).toBe('EXECUTED_WITH_FAILURES');
    expect(taskDecider.decide(complete, ended)).toEqual([]);
    expect(taskDecider.decide(chunk(1), ended)).toEqual([]);
    expect(fold(queue, start, command(FailTask, { batchId: 'b1', error: 'gone' })).status).toBe('FAILED');
  });

  it('cancels a pending or running task once; afterwards only its end is recorded; an ended task cannot be cancelled', () => {
    const cancel = command(CancelTask, { batchId: 'b1' });
    expect(taskDecider.decide(cancel, fold(queue, start))).toEqual([{ type: TaskCancelRequested.type, data: { batchId: 'b1' } }]);
    const cancelling = fold(queue, start, cancel);
    expect(cancelling.status).toBe('CANCELLING');
    expect(taskDecider.decide(cancel, cancelling)).toEqual([]);
    expect(taskDecider.decide(chunk(0), cancelling)).toEqual([]);
    const fail = command(FailTask, { batchId: 'b1', error: 'Cancelled' });
    expect(taskDecider.decide(fail, cancelling)).toEqual([{ type: TaskFailed.type, data: fail.data }]);
    expect(() => taskDecider.decide(cancel, fold(queue, start, cancel, fail))).toThrow(DomainError);
  });
});

describe('task decider: result files', () => {
  const withFile: CommandData<typeof QueueTask> = { ...spec, outputParameters: { type: 'CSV', columns: ['SHORT_ID', 'THNG'] } };
  const shortIds: CommandData<typeof QueueTask> = {
    taskId: 't1',
    batchId: 'b1',
    type: 'SHORT_ID_GENERATION',
    inputParameters: { quantity: 1_000, shortIdTemplate: { type: 'PSEUDO_RANDOM', length: 10 } },
    shortIdKey: 'k'.repeat(43),
  };
  const file = command(RecordResultFile, { batchId: 'b1', hash: 'h1', size: 12, format: 'CSV', rows: 1_500 });
  const complete = command(CompleteTask, { batchId: 'b1', status: 'EXECUTED', totalThngsCreated: 1_500, totalUrlBindingsCreated: 0, failedOperationsAmount: 0 });

  it('queues a SHORT_ID_GENERATION task', () => {
    expect(taskDecider.decide(command(QueueTask, shortIds), taskDecider.initialState())).toEqual([{ type: TaskQueued.type, data: { ...shortIds, createdBy: actor } }]);
  });

  it('records the result file once, and only while the task runs', () => {
    const state = fold(command(QueueTask, withFile), start, chunk(0), chunk(1, 500));
    expect(taskDecider.decide(file, state)).toEqual([{ type: TaskResultFileWritten.type, data: file.data }]);
    const written = fold(command(QueueTask, withFile), start, chunk(0), chunk(1, 500), file);
    expect(written.resultFile).toEqual({ hash: 'h1', size: 12, format: 'CSV', rows: 1_500 });
    // A second writer after a crash may have made other bytes (another zlib): the first file recorded stays.
    expect(taskDecider.decide(command(RecordResultFile, { ...file.data, hash: 'h2' }), written)).toEqual([]);
    expect(() => taskDecider.decide(file, fold(command(QueueTask, withFile)))).toThrow(DomainError);
    expect(taskDecider.decide(file, fold(command(QueueTask, withFile), start, command(CancelTask, { batchId: 'b1' })))).toEqual([]);
  });

  it('completes a task that asks for a file only once the file is written', () => {
    const ran = [command(QueueTask, withFile), start, chunk(0), chunk(1, 500)];
    expect(() => taskDecider.decide(complete, fold(...ran))).toThrow(/result file/);
    expect(fold(...ran, file, complete).status).toBe('EXECUTED');
    const shortIdTask = [command(QueueTask, shortIds), start, chunk(0)];
    expect(() => taskDecider.decide(complete, fold(...shortIdTask))).toThrow(/result file/);
    expect(fold(queue, start, chunk(0), chunk(1, 500), complete).status).toBe('EXECUTED');
  });
});
