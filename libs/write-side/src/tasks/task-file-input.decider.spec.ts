import { CancelTask, OpenTaskInput, QueueTask, RecordItems, StartTask, TaskInputOpened, type CommandEnvelope } from '@batchyard/contracts';
import { DomainError } from '../command-handling/decider';
import { taskDecider, type TaskState } from './task.decider';
import { afterCommands, commandsTo } from '../command-handling/testing';

const command = commandsTo('t1');
const FILE = 'UmNqmfDEBDswtpaaRDs6xHpn';
const queue = command(QueueTask, {
  taskId: 't1',
  batchId: 'b1',
  type: 'POPULATING',
  inputParameters: {
    type: 'FILE_BASED',
    generateThngs: true,
    generateRedirections: true,
    defaultRedirectUrl: 'https://x.test',
    thngTemplate: { name: 'x' },
    shortDomain: 'tn.gg',
    location: `http://h/files/${FILE}/content`,
    format: 'CSV',
  },
});
const start = command(StartTask, { batchId: 'b1' });
const opened = { batchId: 'b1', fileId: FILE, hash: 'a'.repeat(64), header: ['shortId'], rows: 1_500, offset: 8, line: 1 };
const open = command(OpenTaskInput, opened);
const chunk = (n: number, count: number, next: { offset: number; line: number; row: number }, rejected: { line: number; error: string }[] = []) =>
  command(RecordItems, { batchId: 'b1', chunk: n, first: 0, count, shortIds: [], clashes: [], file: { next, rejected } });
const fold = (...commands: CommandEnvelope[]): TaskState => afterCommands(taskDecider, ...commands);

describe('task decider: a FILE_BASED task’s input', () => {
  it('opens the input once the task runs, once; the cursor starts after the header', () => {
    expect(() => taskDecider.decide(open, fold(queue))).toThrow(DomainError);
    expect(taskDecider.decide(open, fold(queue, start))).toEqual([{ type: TaskInputOpened.type, data: opened }]);
    const state = fold(queue, start, open);
    expect(state.input).toEqual({ fileId: FILE, hash: 'a'.repeat(64), header: ['shortId'], rows: 1_500, next: { offset: 8, line: 1, row: 0 } });
    expect(taskDecider.decide(open, state)).toEqual([]);
  });

  it('moves the cursor with each chunk, refused rows included, so a restarted worker reads on from the last event', () => {
    const state = fold(queue, start, open, chunk(0, 997, { offset: 9_000, line: 1_001, row: 1_000 }, [{ line: 5, error: 'bad' }]));
    expect(state).toMatchObject({ items: 997, nextChunk: 1, input: { next: { offset: 9_000, line: 1_001, row: 1_000 } } });
    expect(taskDecider.decide(chunk(0, 997, { offset: 9_000, line: 1_001, row: 1_000 }), state)).toEqual([]);
  });

  it('records nothing of the input once cancelling', () => {
    expect(taskDecider.decide(open, fold(queue, start, command(CancelTask, { batchId: 'b1' })))).toEqual([]);
  });
});
