import { MAX_EVENT_DATA_BYTES, jsonBytes } from '@batchyard/contracts';
import { clashBytes, itemsFitting, itemsRoom, listedBytes } from './chunk-budget';

const template = { name: 'T', customFields: { notes: 'n'.repeat(10_000) } };
const redirect = { shortDomain: 'tn.gg', url: 'https://example.com/{evrythngId}' };

describe('task chunk budget', () => {
  it('keeps a LIST_BASED chunk of the longest short IDs, all clashing, under MAX_EVENT_DATA_BYTES', () => {
    const shortIds = Array.from({ length: 10_000 }, (_, i) => `${i}`.padStart(64, 'S'));
    const first = 990_000;
    const room = itemsRoom({ batchId: 'b'.repeat(24), thngTemplate: template, redirect });
    const count = itemsFitting(shortIds.length, room, (i) => listedBytes(shortIds[i]) + clashBytes(first + i, shortIds[i]));
    expect(count).toBeLessThan(10_000);
    expect(count).toBeGreaterThan(1_000);
    const taken = shortIds.slice(0, count);
    const event = {
      batchId: 'b'.repeat(24),
      chunk: 999,
      first,
      count,
      thngTemplate: template,
      redirect,
      shortIds: taken,
      clashes: taken.map((shortId, i) => ({ index: first + i, shortId })),
    };
    expect(jsonBytes(event)).toBeLessThanOrEqual(MAX_EVENT_DATA_BYTES);
  });

  it('counts identifier values in UTF-8 bytes, as JSON escapes them', () => {
    const room = 10_000;
    const wide = Array.from({ length: 1_000 }, () => 'ż'.repeat(256));
    const escaped = Array.from({ length: 1_000 }, () => '\u0001'.repeat(256));
    expect(itemsFitting(wide.length, room, (i) => listedBytes(wide[i]))).toBe(Math.floor(room / 515));
    expect(itemsFitting(escaped.length, room, (i) => listedBytes(escaped[i]))).toBe(Math.floor(room / 1539));
  });

  it('leaves a FIXED_AMOUNT chunk with redirections its 10,000 items, and says when a template leaves no room', () => {
    const room = itemsRoom({ batchId: 'b'.repeat(24), thngTemplate: template, redirect });
    expect(itemsFitting(10_000, room, (i) => clashBytes(990_000 + i))).toBe(10_000);
    const huge = { name: 'T', customFields: { notes: 'n'.repeat(MAX_EVENT_DATA_BYTES) } };
    expect(itemsFitting(10_000, itemsRoom({ batchId: 'b', thngTemplate: huge }), () => 0)).toBe(0);
  });
});
