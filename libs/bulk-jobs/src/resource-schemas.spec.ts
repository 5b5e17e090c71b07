import { EVRYTHNG_ID_PATTERN } from '@batchyard/contracts';
import { createdResourceIds, isResourceId } from './resource-schemas';

describe('ids of resources a bulk job creates', () => {
  it('are the same for the same tenant, job and line, and differ for another tenant or job', () => {
    const ids = createdResourceIds('contact', 'acme', 'batch_1');
    expect(ids(2)).toBe(createdResourceIds('contact', 'acme', 'batch_1')(2));
    expect(ids(2)).not.toBe(ids(3));
    expect(createdResourceIds('contact', 'other', 'batch_1')(2)).not.toBe(ids(2));
    expect(createdResourceIds('contact', 'acme', 'batch_2')(2)).not.toBe(ids(2));
  });

  it("have PackageX's shape and sort in line order", () => {
    const ids = createdResourceIds('group', 'acme', 'batch_1');
    const lines = [2, 9, 10, 1_000, 99_999_999];
    for (const line of lines) {
      expect(isResourceId('group', ids(line))).toBe(true);
      expect(ids(line).slice('grp_'.length)).toMatch(EVRYTHNG_ID_PATTERN);
    }
    expect(lines.map(ids)).toEqual(lines.map(ids).sort());
    expect(() => ids(100_000_000)).toThrow(RangeError);
  });
});
