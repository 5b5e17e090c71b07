import { chunkItems, type EventData, type ItemsGenerated } from '@batchyard/contracts';
import { clashBytes, itemsFitting, itemsRoom, listedBytes, type TaskState } from '@batchyard/write-side';
import type { FileInput } from './file-input';
import type { ShortIdClaims } from './short-id-claims';
import { shortIdCodes } from './short-id-generation';

type Task = { tenant: string; taskId: string };
type ChunkData = EventData<typeof ItemsGenerated>;

/** The chunks of a task's items, each the data of one ItemsGenerated event. */
export class TaskChunks {
  constructor(
    private readonly claims: ShortIdClaims,
    private readonly fileInput: FileInput,
  ) {}

  /**
   * Chunk `chunk`: up to `count` items from the task's position on, fewer when their short IDs, identifier values or
   * refused rows would take its event past MAX_EVENT_DATA_BYTES; undefined when not one fits beside the template.
   */
  async next(task: Task, state: TaskState, chunk: number, count: number): Promise<ChunkData | undefined> {
    const spec = state.spec!;
    const first = state.items;
    // The task's way of drawing short IDs goes on each chunk, whose derived short IDs it decides (absent before version 2).
    const version = spec.shortIdVersion !== undefined ? { shortIdVersion: spec.shortIdVersion } : {};
    if (spec.type === 'SHORT_ID_GENERATION') {
      const codes = shortIdCodes(spec.inputParameters, spec.shortIdKey, spec.shortIdVersion)(first, count);
      const base = { batchId: spec.batchId, ...version };
      const fitting = itemsFitting(count, itemsRoom(base), (i) => listedBytes(codes[i]));
      return fitting ? { ...base, chunk, first, count: fitting, shortIds: codes.slice(0, fitting), clashes: [] } : undefined;
    }
    const { batchId, inputParameters: input } = spec;
    const redirect = input.generateRedirections ? { shortDomain: input.shortDomain!, url: input.defaultRedirectUrl! } : undefined;
    const base = { batchId, ...version, ...(input.generateThngs && { thngTemplate: input.thngTemplate }), ...(redirect && { redirect }) };
    const room = itemsRoom(base, input.type === 'IDENTIFIERS_LIST_BASED' ? input.customIdentifier.key : undefined);
    const clash = (offset: number, shortId?: string) => (redirect ? clashBytes(first + offset, shortId) : 0);
    const slice = <T>(list: readonly T[]) => list.slice(first, first + count);
    let given: Pick<ChunkData, 'count' | 'shortIds' | 'identifier' | 'file'>;
    if (input.type === 'LIST_BASED') {
      const shortIds = slice(input.inputData).map((d) => d.shortId);
      const fitting = itemsFitting(shortIds.length, room, (i) => listedBytes(shortIds[i]) + clash(i, shortIds[i]));
      given = { count: fitting, shortIds: shortIds.slice(0, fitting) };
    } else if (input.type === 'IDENTIFIERS_LIST_BASED') {
      const values = slice(input.customIdentifier.values);
      const fitting = itemsFitting(values.length, room, (i) => listedBytes(values[i]) + clash(i));
      given = { count: fitting, identifier: { key: input.customIdentifier.key, values: values.slice(0, fitting) } };
    } else if (input.type === 'FILE_BASED') {
      given = await this.fileInput.chunk(state, count, room, clash);
    } else {
      given = { count: itemsFitting(count, room, (i) => clash(i)) };
    }
    // A chunk of refused rows only moves the task on too.
    if (given.count === 0 && !given.file?.rejected.length) return undefined;
    let clashes: ChunkData['clashes'] = [];
    if (redirect) {
      const items = [...chunkItems(task.taskId, { chunk, first, ...version, ...given })];
      clashes = (await this.claims.claim(task.tenant, task.taskId, redirect.shortDomain, items)).map(({ index, shortId }) => ({ index, shortId }));
    }
    return { ...base, chunk, first, ...given, clashes };
  }
}
