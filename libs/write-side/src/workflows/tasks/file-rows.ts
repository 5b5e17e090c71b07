import { isPrototypeKey } from '@batchyard/client-input';
import { ShortIdSchema } from '@batchyard/contracts';

/** Where a FILE_BASED file's values are: a `shortId` column, an `identifiers.<key>` column, or both (docs/tasks.md). */
export interface InputColumns {
  width: number;
  shortId?: number;
  identifier?: { key: string; index: number };
}

const IDENTIFIER = /^identifiers\.([A-Za-z0-9_.-]{1,64})$/;
/** `SHORT_ID` is the column of a result file, so a SHORT_ID_GENERATION task's file is an input as it is. */
const isShortIdColumn = (name: string) => name === 'shortId' || name === 'SHORT_ID';
const MAX_IDENTIFIER = 256;
/** A cell quoted back in an error or a refused row's log entry: a cell may be megabytes, its event is small. */
const MAX_SHOWN = 64;
const shown = (cell: string) => (cell.length > MAX_SHOWN ? `${cell.slice(0, MAX_SHOWN)}…` : cell);

/** The columns of a header row, or why the file cannot be read. */
export function inputColumns(header: readonly string[], generateThngs: boolean): InputColumns | { error: string } {
  const columns: InputColumns = { width: header.length };
  for (const [index, name] of header.entries()) {
    // The key becomes every Thng's identifier name: never one that reaches a prototype.
    const key = IDENTIFIER.exec(name)?.[1];
    if (key && isPrototypeKey(key)) return { error: `The file's header column '${name}' cannot name an identifier: ${key} cannot be a field name` };
    if (isShortIdColumn(name) && columns.shortId === undefined) columns.shortId = index;
    else if (key && !columns.identifier) columns.identifier = { key, index };
    else return { error: `The file's header has ${isShortIdColumn(name) || key ? 'a second' : 'an unknown'} column '${shown(name)}': it takes shortId and one identifiers.<key>` };
  }
  if (columns.shortId === undefined && !columns.identifier) return { error: "The file's header names no shortId or identifiers.<key> column" };
  if (columns.identifier && !generateThngs) return { error: `The file's ${header[columns.identifier.index]} column needs generateThngs` };
  return columns;
}

/** One data row: its short ID and identifier value, or why it makes no item (with its short ID, to log). */
export type FileRow = { shortId?: string; identifier?: string } | { error: string; shortId?: string };

export function fileRow(cells: readonly string[], columns: InputColumns): FileRow {
  const shortId = columns.shortId === undefined ? undefined : cells[columns.shortId];
  const identifier = columns.identifier && cells[columns.identifier.index];
  if (cells.length !== columns.width) return { error: `The row has ${cells.length} cells; the header has ${columns.width}`, shortId: shortId && shown(shortId) };
  if (shortId !== undefined && !ShortIdSchema.safeParse(shortId).success)
    return { error: `Invalid short ID '${shown(shortId)}': 1 to 64 letters, digits, _ or -`, shortId: shortId ? shown(shortId) : undefined };
  if (identifier !== undefined && (identifier === '' || identifier.length > MAX_IDENTIFIER)) {
    return { error: `identifiers.${columns.identifier!.key} must be 1 to ${MAX_IDENTIFIER} characters`, shortId };
  }
  return { shortId, identifier };
}
