import { DERIVED_SHORT_ID_LENGTH, MAX_EVENT_DATA_BYTES, jsonBytes, type EventData, type ItemsGenerated } from '@batchyard/contracts';

type ChunkData = EventData<typeof ItemsGenerated>;

const WIDEST = Number.MAX_SAFE_INTEGER;
/** A short ID the worker derives has DERIVED_SHORT_ID_LENGTH characters (`taskItem`). */
const DERIVED_SHORT_ID = 'x'.repeat(DERIVED_SHORT_ID_LENGTH);

/** What a value adds to a list of its chunk's event: its JSON and a comma. */
export const listedBytes = (value: string): number => jsonBytes(value) + 1;

/**
 * What an item with a redirection may add as a clash, known only once its short ID is claimed, so counted for every
 * such item: `{"index":…,"shortId":…},`, its own short ID or a derived one.
 */
export const clashBytes = (index: number, shortId = DERIVED_SHORT_ID): number => jsonBytes({ index, shortId }) + 1;

/**
 * The room a chunk's items have in its ItemsGenerated event: MAX_EVENT_DATA_BYTES less what the event holds whatever
 * its items (batch, template, redirect, its numbers and the cursor at their widest, empty lists). Below zero when the
 * task's template leaves none.
 */
export function itemsRoom(base: Pick<ChunkData, 'batchId' | 'thngTemplate' | 'redirect' | 'shortIdVersion'>, identifierKey = ''): number {
  const empty: ChunkData = {
    ...base,
    chunk: WIDEST,
    first: WIDEST,
    count: WIDEST,
    shortIds: [],
    identifier: { key: identifierKey, values: [] },
    clashes: [],
    file: { next: { offset: WIDEST, line: WIDEST, row: WIDEST }, rejected: [] },
  };
  return MAX_EVENT_DATA_BYTES - jsonBytes(empty);
}

/**
 * How many of the next `count` items, in order, fit `room`, given the bytes each adds. It depends on the task's input
 * alone, so a chunk made again after a crash covers the same items.
 */
export function itemsFitting(count: number, room: number, bytesOf: (offset: number) => number): number {
  let used = 0;
  for (let offset = 0; offset < count; offset++) {
    used += bytesOf(offset);
    if (used > room) return offset;
  }
  return count;
}
