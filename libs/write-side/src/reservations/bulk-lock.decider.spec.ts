import { AcquireBulkLock, BulkLockAcquired, BulkLockReleased, ReleaseBulkLock, bulkLockId, type CommandEnvelope } from '@batchyard/contracts';
import { bulkLockDecider, type BulkLockState } from './bulk-lock.decider';
import { afterCommands, commandsTo } from '../command-handling/testing';

const HELD_UNTIL = '2026-01-01T01:00:00.000Z';
const to = commandsTo(bulkLockId('contact'), { keyId: 'k', name: 'n', role: 'user' });
const acquire = (jobId: string, issuedAt = '2026-01-01T00:00:00.000Z') => ({
  ...to(AcquireBulkLock, { resource: 'contact', jobId, heldUntil: HELD_UNTIL }, `acquire:${jobId}`),
  issuedAt,
});
const release = (jobId: string) => to(ReleaseBulkLock, { resource: 'contact', jobId }, `release:${jobId}`);
const fold = (...commands: CommandEnvelope[]): BulkLockState => afterCommands(bulkLockDecider, ...commands);

describe('bulk lock decider', () => {
  it('gives a free lock to the first job; a retry of that job changes nothing', () => {
    expect(bulkLockDecider.decide(acquire('batch_1'), {})).toEqual([{ type: BulkLockAcquired.type, data: acquire('batch_1').data }]);
    expect(bulkLockDecider.decide(acquire('batch_1'), fold(acquire('batch_1')))).toEqual([]);
  });

  it('refuses a second job with a conflict naming the holder, until the holder releases it', () => {
    const held = fold(acquire('batch_1'));
    expect(() => bulkLockDecider.decide(acquire('batch_2'), held)).toThrow(expect.objectContaining({ code: 'conflict', message: expect.stringMatching(/batch_1/) }));
    expect(bulkLockDecider.decide(release('batch_2'), held)).toEqual([]); // not the holder
    expect(bulkLockDecider.decide(release('batch_1'), held)).toEqual([{ type: BulkLockReleased.type, data: release('batch_1').data }]);
    const released = fold(acquire('batch_1'), release('batch_1'));
    expect(released).toEqual({});
    expect(bulkLockDecider.decide(acquire('batch_2'), released)).toHaveLength(1);
  });

  it('releases once: a repeated release of an ended job is a no-op, even after the next job took the lock', () => {
    expect(bulkLockDecider.decide(release('batch_1'), fold(acquire('batch_1'), release('batch_1')))).toEqual([]);
    expect(bulkLockDecider.decide(release('batch_1'), fold(acquire('batch_1'), release('batch_1'), acquire('batch_2')))).toEqual([]);
  });

  it('lets another job take a lock past its heldUntil (a holder whose job never started)', () => {
    const held = fold(acquire('batch_1'));
    expect(() => bulkLockDecider.decide(acquire('batch_2', '2026-01-01T00:59:59.999Z'), held)).toThrow(/still running/);
    expect(bulkLockDecider.decide(acquire('batch_2', HELD_UNTIL), held)).toEqual([{ type: BulkLockAcquired.type, data: acquire('batch_2').data }]);
    expect(bulkLockDecider.decide(release('batch_1'), fold(acquire('batch_1'), acquire('batch_2', HELD_UNTIL)))).toEqual([]);
  });
});
