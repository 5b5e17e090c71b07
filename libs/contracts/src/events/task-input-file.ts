import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { StreamCategory } from '../streams';

/**
 * A FILE_BASED task's `location` is the `contentUrl` of one of its tenant's files (`<base>/files/<id>/content?...`):
 * its file id, or undefined for any other URL. The gateway also checks the base is Batchyard's own.
 */
export function fileIdOfLocation(location: string): string | undefined {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return undefined;
  }
  return /\/files\/([A-Za-z0-9]{24})\/content$/.exec(url.pathname)?.[1];
}

/** Where a FILE_BASED task stands in its CSV: the byte offset and line where the next row starts, and the rows read before it. */
export const FileCursorSchema = z.object({
  offset: z.number().int().nonnegative(),
  line: z.number().int().nonnegative(),
  row: z.number().int().nonnegative(),
});
export type FileCursor = z.infer<typeof FileCursorSchema>;

/** A row of the input file that made no item: a task log entry, by the file line where the row ends. */
export const RejectedRowSchema = z.object({ line: z.number().int().positive(), error: z.string(), shortId: z.string().optional() });
export type RejectedRow = z.infer<typeof RejectedRowSchema>;

/** What a FILE_BASED chunk adds to its ItemsGenerated event: the cursor after its rows, and the rows it refused. */
export const FileChunkSchema = z.object({ next: FileCursorSchema, rejected: z.array(RejectedRowSchema) });

export const TaskInputOpened = defineEvent({
  type: 'TaskInputOpened',
  version: 1,
  category: StreamCategory.task,
  description:
    "The worker opened a FILE_BASED task's input: the CSV (a ZIP's one CSV, extracted) is the blob `hash`, with `header` and `rows` data rows; " +
    'its first data row starts at byte `offset`, after line `line`. Each chunk then reads on from the cursor its ItemsGenerated event records.',
  schema: z.object({
    batchId: z.string(),
    fileId: z.string(),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    header: z.array(z.string()),
    rows: z.number().int().nonnegative(),
    offset: z.number().int().nonnegative(),
    line: z.number().int().nonnegative(),
  }),
});
