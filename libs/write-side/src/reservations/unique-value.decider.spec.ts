import { ClaimUniqueValue, ReleaseUniqueValue, UniqueValueClaimed, UniqueValueReleased, type CommandEnvelope } from '@batchyard/contracts';
import { uniqueValueDecider, type ClaimState } from './unique-value.decider';
import { afterCommands, commandsTo } from '../command-handling/testing';

const command = (definition: typeof ClaimUniqueValue | typeof ReleaseUniqueValue, ownerId: string, value = 'LOT-1') =>
  commandsTo(`batch-number:${value.toLowerCase()}`, { keyId: 'k', name: 'n', role: 'user' })(definition, { kind: 'batch-number', value, ownerId });
const fold = (...commands: CommandEnvelope[]): ClaimState => afterCommands(uniqueValueDecider, ...commands);

describe('unique value decider', () => {
  it('gives a value to its first claimant; a retry of that claim changes nothing', () => {
    const claim = command(ClaimUniqueValue, 'b1');
    expect(uniqueValueDecider.decide(claim, {})).toEqual([{ type: UniqueValueClaimed.type, data: claim.data }]);
    expect(uniqueValueDecider.decide(claim, fold(claim))).toEqual([]);
  });

  it('refuses another owner with a conflict until the holder releases it', () => {
    const held = fold(command(ClaimUniqueValue, 'b1'));
    expect(() => uniqueValueDecider.decide(command(ClaimUniqueValue, 'b2', 'lot-1'), held)).toThrow(/Batch number lot-1 already exists/);
    expect(uniqueValueDecider.decide(command(ReleaseUniqueValue, 'b2'), held)).toEqual([]); // not the holder
    const released = fold(command(ClaimUniqueValue, 'b1'), command(ReleaseUniqueValue, 'b1'));
    expect(released).toEqual({});
    expect(uniqueValueDecider.decide(command(ClaimUniqueValue, 'b2'), released)).toEqual([{ type: UniqueValueClaimed.type, data: command(ClaimUniqueValue, 'b2').data }]);
    expect(uniqueValueDecider.decide(command(ReleaseUniqueValue, 'b1'), held)).toEqual([{ type: UniqueValueReleased.type, data: command(ReleaseUniqueValue, 'b1').data }]);
  });
});
