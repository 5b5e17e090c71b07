import { QuotaReturned, QuotaTaken, ReturnQuota, TakeQuota, quotaId } from '@batchyard/contracts';
import { afterCommands, commandsTo } from '../command-handling/testing';
import { quotaDecider } from './quota.decider';

const to = commandsTo(quotaId('stored-bytes'));
const take = (holder: string, amount: number, limit = 100) => to(TakeQuota, { kind: 'stored-bytes', holder, amount, limit });
const give = (holder: string) => to(ReturnQuota, { kind: 'stored-bytes', holder });
const after = (...commands: ReturnType<typeof to>[]) => afterCommands(quotaDecider, ...commands);

describe('quota decider', () => {
  it('takes shares up to the limit and refuses the one that would pass it, naming what is in use', () => {
    expect(quotaDecider.decide(take('file:a', 60), after())).toEqual([{ type: QuotaTaken.type, data: { kind: 'stored-bytes', holder: 'file:a', amount: 60, used: 60 } }]);
    expect(quotaDecider.decide(take('file:b', 40), after(take('file:a', 60)))).toEqual([
      { type: QuotaTaken.type, data: { kind: 'stored-bytes', holder: 'file:b', amount: 40, used: 100 } },
    ]);
    expect(() => quotaDecider.decide(take('file:b', 41), after(take('file:a', 60)))).toThrow(
      expect.objectContaining({ code: 'too_large', message: expect.stringMatching(/store 100 bytes .*; 60 are stored, and 41 more do not fit/) }),
    );
  });

  it('refuses a place past the limit as limited (a retry may pass once work ends), bytes as too large (it may not)', () => {
    const tasks = commandsTo(quotaId('tasks'));
    const place = (holder: string) => tasks(TakeQuota, { kind: 'tasks', holder, amount: 1, limit: 1 });
    expect(() => quotaDecider.decide(place('task-b'), afterCommands(quotaDecider, place('task-a')))).toThrow(
      expect.objectContaining({ code: 'limited', message: expect.stringMatching(/already has 1 tasks queued or running/) }),
    );
  });

  it('treats a take with the same amount as a retry, and one with another amount as a replacement', () => {
    const held = after(take('file:a', 60));
    expect(quotaDecider.decide(take('file:a', 60), held)).toEqual([]);
    expect(quotaDecider.decide(take('file:a', 100), held)).toEqual([{ type: QuotaTaken.type, data: { kind: 'stored-bytes', holder: 'file:a', amount: 100, used: 100 } }]);
    expect(after(take('file:a', 60), take('file:a', 10))).toEqual({ holders: new Map([['file:a', 10]]), used: 10 });
  });

  it('returns a share once; returning one not held changes nothing', () => {
    const held = after(take('file:a', 60), take('file:b', 30));
    expect(quotaDecider.decide(give('file:a'), held)).toEqual([{ type: QuotaReturned.type, data: { kind: 'stored-bytes', holder: 'file:a', amount: 60, used: 30 } }]);
    expect(quotaDecider.decide(give('file:a'), after(take('file:a', 60), give('file:a')))).toEqual([]);
    expect(quotaDecider.decide(give('file:z'), held)).toEqual([]);
    expect(quotaDecider.decide(take('file:c', 70), after(take('file:a', 60), take('file:b', 30), give('file:a')))).toHaveLength(1);
  });

  it('never takes away what is held when the limit is lowered: it refuses growth, and shrinking still goes', () => {
    const held = after(take('file:a', 90));
    expect(() => quotaDecider.decide(take('file:b', 1, 50), held)).toThrow(/do not fit/);
    expect(quotaDecider.decide(take('file:a', 80, 50), held)).toEqual([{ type: QuotaTaken.type, data: { kind: 'stored-bytes', holder: 'file:a', amount: 80, used: 80 } }]);
  });
});
