import { ClaimUniqueValue, ReleaseUniqueValue, UniqueValueClaimed, UniqueValueReleased, type CommandEnvelope } from '@batchyard/contracts';
import { uniqueValueDecider, type ClaimState } from './unique-value.decider';
import { afterCommands } from '../command-handling/testing';

const command = (type: string, ownerId: string, value = 'LOT-1'): CommandEnvelope => ({
  commandId: 'c1',
  type,
  tenant: 'acme',
  aggregateId: `batch-number:${value.toLowerCase()}`,
  correlationId: 'c1',
  causationId: 'c1',
  issuedAt: new Date(0).toISOString(),
  actor: { keyId: 'k', name: 'n', role: 'user' },
  data: { kind: 'batch-number', value, ownerId },
});
const fold = (...commands: CommandEnvelope[]): ClaimState => afterCommands(uniqueValueDecider, ...commands);

describe('unique value decider', () => {
  it('gives a value to its first claimant; a retry of that claim changes nothing', () => {
    const claim = command(ClaimUniqueValue.type, 'b1');
    expect(uniqueValueDecider.decide(claim, {})).toEqual([{ type: UniqueValueClaimed.type, data: claim.data }]);
    expect(uniqueValueDecider.decide(claim, fold(claim))).toEqual([]);
  });

  it('refuses another owner with a conflict until the holder releases it', () => {
    const held = fold(command(ClaimUniqueValue.type, 'b1'));
    expect(() => uniqueValueDecider.decide(command(ClaimUniqueValue.type, 'b2', 'lot-1'), held)).toThrow(/Batch number lot-1 already exists/);
    expect(uniqueValueDecider.decide(command(ReleaseUniqueValue.type, 'b2'), held)).toEqual([]); // not the holder
    const released = fold(command(ClaimUniqueValue.type, 'b1'), command(ReleaseUniqueValue.type, 'b1'));
    expect(released).toEqual({});
    expect(uniqueValueDecider.decide(command(ClaimUniqueValue.type, 'b2'), released)).toEqual([{ type: UniqueValueClaimed.type, data: command(ClaimUniqueValue.type, 'b2').data }]);
    expect(uniqueValueDecider.decide(command(ReleaseUniqueValue.type, 'b1'), held)).toEqual([
      { type: UniqueValueReleased.type, data: command(ReleaseUniqueValue.type, 'b1').data },
    ]);
  });
});
