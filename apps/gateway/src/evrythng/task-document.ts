import { z } from 'zod';
import { OutputParametersSchema, PopulatingInputSchema, ShortIdGenerationInputSchema } from '@batchyard/contracts';
import type { TaskDoc, TaskLogDoc } from '@batchyard/read-models';
import { filterFields, type ListingFields } from './listing';

const taskFields = {
  tags: z.array(z.string().max(256)).max(60).optional(),
  customFields: z.record(z.string(), z.unknown()).optional(),
};

/**
 * A POST /batches/:id/tasks body (Seed A.4 to A.6): POPULATING with FIXED_AMOUNT, LIST_BASED or IDENTIFIERS_LIST_BASED
 * input, or SHORT_ID_GENERATION (whose document has no `outputParameters`: its result file always has the codes).
 */
export const TaskCreateSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('POPULATING'), inputParameters: PopulatingInputSchema, outputParameters: OutputParametersSchema.optional(), ...taskFields }),
    z.strictObject({ type: z.literal('SHORT_ID_GENERATION'), inputParameters: ShortIdGenerationInputSchema, ...taskFields }),
  ],
  { error: 'type must be POPULATING or SHORT_ID_GENERATION' },
);

const TERMINAL = ['EXECUTED', 'EXECUTED_WITH_FAILURES', 'FAILED'];

/**
 * A task as an EVRYTHNG TaskDocument: progress while it runs, result once it ended, with its result file's `location`
 * (an absolute URL the caller signs, to download with no key, as EVRYTHNG's); never a top-level `errors`. A
 * SHORT_ID_GENERATION task counts its codes.
 */
export function taskDocument(task: TaskDoc, resultLocation?: string) {
  const codes = task.type === 'SHORT_ID_GENERATION';
  const totalAmount = codes ? task.shortIds : task.thngs + task.urlBindings;
  const failed = task.failedUrlBindings;
  const made = codes ? {} : { totalThngsCreated: task.thngs, totalUrlBindingsCreated: task.urlBindings };
  const file = task.resultFile && resultLocation && { location: resultLocation, format: task.resultFile.format };
  return {
    id: task.taskId,
    type: task.type,
    batch: task.batchId,
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
    ...(task.completedAt !== undefined && { completedAt: task.completedAt }),
    status: task.status,
    ...(task.tags && { tags: task.tags }),
    ...(task.customFields && { customFields: task.customFields }),
    inputParameters: task.inputParameters,
    ...(task.type === 'POPULATING' && task.outputParameters && { outputParameters: task.outputParameters }),
    progress: {
      contributions: {
        [task.taskId]: codes ? { shortIds: task.shortIds } : { thngs: task.thngs, urlBindings: task.urlBindings, failedThngs: 0, failedUrlBindings: failed },
      },
      totalAmount,
    },
    ...(TERMINAL.includes(task.status) && {
      result:
        task.status === 'FAILED'
          ? { type: 'ERROR', error: task.error, failedOperationsAmount: failed }
          : { type: task.type, totalCount: totalAmount, ...made, failedOperationsAmount: failed, ...file },
    }),
  };
}

/** A TaskLogDocument (Seed A.7). */
export function taskLogDocument(log: TaskLogDoc) {
  return { jobId: log.taskId, type: 'ERROR', message: log.message, payload: log.payload, createdAt: log.createdAt };
}

const TASK_FILTER_PATHS = { batch: { path: 'batchId' }, status: { path: 'status' }, type: { path: 'type' } };

export const TASK_FIELDS: ListingFields = {
  equals: filterFields(TASK_FILTER_PATHS),
  idPath: 'taskId',
  names: Object.keys(TASK_FILTER_PATHS).join(', '),
};
