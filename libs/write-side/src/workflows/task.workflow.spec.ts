import { ItemsGenerated, TaskCancelRequested, TaskCompleted, TaskFailed, TaskInputOpened, TaskQueued, TaskResultFileWritten, TaskStarted } from '@batchyard/contracts';
import { given } from '../command-handling/testing';
import { taskDecider } from '../tasks/task.decider';
import { chunkAwaited, nextTaskStep } from './task.workflow';

const fixed = {
  taskId: 't1',
  batchId: 'b1',
  type: 'POPULATING',
  inputParameters: {
    type: 'FIXED_AMOUNT',
    generateThngs: true,
    generateRedirections: true,
    shortDomain: 'tn.gg',
    defaultRedirectUrl: 'https://x.test',
    thngTemplate: { name: 'x' },
    quantity: 1_500,
  },
};
const withFile = { ...fixed, outputParameters: { type: 'CSV', columns: ['SHORT_ID', 'THNG'] } };
const fileBased = {
  ...fixed,
  inputParameters: { type: 'FILE_BASED', generateThngs: true, generateRedirections: false, thngTemplate: { name: 'x' }, format: 'CSV', location: 'files/f1' },
};
const queued = (spec: object) => ({ type: TaskQueued.type, data: { ...spec, createdBy: { keyId: 'k1', name: 'ci', role: 'operator' } } });
const started = { type: TaskStarted.type, data: { batchId: 'b1' } };
const chunk = (n: number, count: number, extra: object = {}) => ({ type: ItemsGenerated.type, data: { batchId: 'b1', chunk: n, first: n * 1_000, count, clashes: [], ...extra } });
const opened = { type: TaskInputOpened.type, data: { batchId: 'b1', fileId: 'f1', hash: 'h1', header: ['shortId'], rows: 1_200, offset: 8, line: 1 } };
const cursor = (row: number) => ({ next: { offset: 100 * row, line: row + 1, row } });
const cancelled = { type: TaskCancelRequested.type, data: { batchId: 'b1' } };
const step = (...events: { type: string; data: unknown }[]) => nextTaskStep(given(taskDecider, ...events));

describe('nextTaskStep', () => {
  it('does nothing for an unknown task or one that ended', () => {
    expect(step()).toEqual({ kind: 'nothing' });
    expect(step(queued(fixed), started, { type: TaskCompleted.type, data: { batchId: 'b1', status: 'EXECUTED' } })).toEqual({ kind: 'nothing' });
    expect(step(queued(fixed), started, { type: TaskFailed.type, data: { batchId: 'b1', error: 'gone' } })).toEqual({ kind: 'nothing' });
  });

  it('starts a queued task', () => {
    expect(step(queued(fixed))).toEqual({ kind: 'start' });
  });

  it('records chunks in order, the last one short, then completes with what the chunks counted', () => {
    expect(step(queued(fixed), started)).toEqual({ kind: 'record-chunk', chunk: 0, count: 1_000 });
    expect(step(queued(fixed), started, chunk(0, 1_000))).toEqual({ kind: 'record-chunk', chunk: 1, count: 500 });
    expect(step(queued(fixed), started, chunk(0, 1_000), chunk(1, 500, { clashes: [{ index: 3, shortId: 'abc' }] }))).toEqual({
      kind: 'complete',
      data: { batchId: 'b1', status: 'EXECUTED_WITH_FAILURES', totalThngsCreated: 1_500, totalUrlBindingsCreated: 1_499, failedOperationsAmount: 1 },
    });
  });

  it('writes the result file a task asks for after its last chunk, then completes', () => {
    const ran = [queued(withFile), started, chunk(0, 1_000), chunk(1, 500)];
    expect(step(...ran)).toEqual({ kind: 'write-result-file' });
    const written = { type: TaskResultFileWritten.type, data: { batchId: 'b1', hash: 'h1', size: 12, format: 'CSV', rows: 1_500 } };
    expect(step(...ran, written)).toMatchObject({ kind: 'complete', data: { status: 'EXECUTED', failedOperationsAmount: 0 } });
  });

  it('opens a FILE_BASED task’s file first, then reads its rows by the cursor, counting refused rows as failures', () => {
    expect(step(queued(fileBased), started)).toEqual({ kind: 'open-input', input: fileBased.inputParameters });
    expect(step(queued(fileBased), started, opened)).toEqual({ kind: 'record-chunk', chunk: 0, count: 1_000 });
    // 1,000 rows read, 2 of them refused: the next chunk takes the 200 left.
    const first = chunk(0, 998, { file: { ...cursor(1_000), rejected: [] } });
    expect(step(queued(fileBased), started, opened, first)).toEqual({ kind: 'record-chunk', chunk: 1, count: 200 });
    const last = chunk(1, 200, { file: { ...cursor(1_200), rejected: [] } });
    expect(step(queued(fileBased), started, opened, first, last)).toEqual({
      kind: 'complete',
      data: { batchId: 'b1', status: 'EXECUTED_WITH_FAILURES', totalThngsCreated: 1_198, totalUrlBindingsCreated: 0, failedOperationsAmount: 2 },
    });
  });

  it('ends a cancelled task, pending or running, with how far it got', () => {
    expect(step(queued(fixed), cancelled)).toEqual({ kind: 'cancel', error: 'Cancelled after 0 of 1500 items' });
    expect(step(queued(fixed), started, chunk(0, 1_000), cancelled)).toEqual({ kind: 'cancel', error: 'Cancelled after 1000 of 1500 items' });
  });
});

describe('chunkAwaited', () => {
  it('is the chunk before the last, once a running task has two', () => {
    expect(chunkAwaited(given(taskDecider, queued(fixed), started, chunk(0, 1_000)))).toBeUndefined();
    expect(chunkAwaited(given(taskDecider, queued(fixed), started, chunk(0, 1_000), chunk(1, 500)))).toBe(0);
    expect(chunkAwaited(given(taskDecider, queued(fixed), started, chunk(0, 1_000), chunk(1, 500), cancelled))).toBeUndefined();
  });
});
