import { z } from 'zod';
import { OutputParametersSchema, PopulatingInputSchema } from '@batchyard/contracts';
import type { TaskDoc, TaskLogDoc } from '@batchyard/read-models';
import type { ListingFields } from './listing';

/** A POST /batches/:id/tasks body (Seed A.4, A.5): POPULATING with FIXED_AMOUNT, LIST_BASED or IDENTIFIERS_LIST_BASED input. */
export const TaskCreateSchema = z.strictObject({
  type: z.literal('POPULATING', 'type must be POPULATING'),
  inputParameters: PopulatingInputSchema,
  outputParameters: OutputParametersSchema.optional(),
  tags: z.array(z.string().max(256)).max(60).optional(),
  customFields: z.record(z.string(), z.unknown()).optional(),
});

const TERMINAL = ['EXECUTED', 'EXECUTED_WITH_FAILURES', 'FAILED'];

/** A task as an EVRYTHNG TaskDocument: progress while it runs, result once it ended; never a top-level `errors`. */
export function taskDocument(task: TaskDoc) {
  const totalAmount = task.thngs + task.urlBindings;
  const failed = task.failedUrlBindings;
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
    ...(task.outputParameters && { outputParameters: task.outputParameters }),
    progress: {
      contributions: { [task.taskId]: { thngs: task.thngs, urlBindings: task.urlBindings, failedThngs: 0, failedUrlBindings: failed } },
      totalAmount,
    },
    ...(TERMINAL.includes(task.status) && {
      result:
        task.status === 'FAILED'
          ? { type: 'ERROR', error: task.error, failedOperationsAmount: failed }
          : { type: task.type, totalCount: totalAmount, totalThngsCreated: task.thngs, totalUrlBindingsCreated: task.urlBindings, failedOperationsAmount: failed },
    }),
  };
}

/** A TaskLogDocument (Seed A.7). */
export function taskLogDocument(log: TaskLogDoc) {
  return { jobId: log.taskId, type: 'ERROR', message: log.message, payload: log.payload, createdAt: log.createdAt };
}

const TASK_FILTER_PATHS: Record<string, string> = { batch: 'batchId', status: 'status', type: 'type' };

export const TASK_FIELDS: ListingFields = {
  equals: (field) => (TASK_FILTER_PATHS[field] ? { path: TASK_FILTER_PATHS[field] } : undefined),
  idPath: 'taskId',
  names: Object.keys(TASK_FILTER_PATHS).join(', '),
};
