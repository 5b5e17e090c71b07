import {
  ItemsGenerated,
  TaskCancelRequested,
  TaskCompleted,
  TaskFailed,
  TaskQueued,
  TaskResultFileWritten,
  TaskStarted,
  redirectTarget,
  taskIdOf,
  chunkItems,
  type EventData,
  type RejectedRow,
  type ResultFile,
  type TaskSpec,
} from '@batchyard/contracts';
import type { Doc } from '@batchyard/read-store';
import { defineProjection, type ProjectionWrite } from '@batchyard/projections';

export type TaskStatus = 'PENDING' | 'EXECUTING' | 'CANCELLING' | 'EXECUTED' | 'EXECUTED_WITH_FAILURES' | 'FAILED';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** One EVRYTHNG task with its running counts. Keyed `<tenant>:<taskId>`. A SHORT_ID_GENERATION task's key stays out. */
export type TaskDoc = Doc & DistributiveOmit<TaskSpec, 'taskId' | 'shortIdKey'> & TaskProgress;

interface TaskProgress {
  tenant: string;
  taskId: string;
  status: TaskStatus;
  thngs: number;
  urlBindings: number;
  failedUrlBindings: number;
  /** Codes made by a SHORT_ID_GENERATION task. */
  shortIds: number;
  resultFile?: ResultFile;
  error?: string;
  createdAt: number;
  updatedAt: number;
  completedAt?: number;
  /** The position of the event that ended the task: the gateway shows it ended once the items and batches have caught up with it. */
  endPosition?: number;
  /** Set when a cancel was asked for. */
  cancelled?: boolean;
  createdBy: { keyId: string; name: string; role: string };
}

/** One task log entry (Seed A.7): a redirection whose short ID was taken. Keyed `<tenant>:<taskId>:<index>`. */
export interface TaskLogDoc extends Doc {
  tenant: string;
  taskId: string;
  index: number;
  message: string;
  payload: { shortId?: string; thng?: string };
  createdAt: number;
}

/** A short URL: `https://<shortDomain>/<shortId>` answers 307 to `target`. Keyed `<shortDomain>/<shortId>`, unique across tenants. */
export interface RedirectionDoc extends Doc {
  tenant: string;
  shortDomain: string;
  shortId: string;
  target: string;
  thngId: string;
  taskId: string;
  createdAt: number;
}

export const taskDocId = (tenant: string, taskId: string) => `${tenant}:${taskId}`;
export const redirectionDocId = (shortDomain: string, shortId: string) => `${shortDomain.toLowerCase()}/${shortId}`;

/** Version 2 replaces `{shortId}` in redirection targets too (docs/tasks.md: what the new version means for an installation). */
export const TasksProjection = defineProjection({
  name: 'tasks',
  version: 2,
  events: [TaskQueued, TaskStarted, ItemsGenerated, TaskResultFileWritten, TaskCompleted, TaskFailed, TaskCancelRequested],
  collections: [
    {
      name: 'tasks',
      indexes: [
        {
          name: 'by_tenant_created',
          fields: [
            ['tenant', 1],
            ['createdAt', 1],
          ],
        },
      ],
    },
    {
      name: 'task_logs',
      indexes: [
        {
          name: 'by_tenant_task',
          fields: [
            ['tenant', 1],
            ['taskId', 1],
            ['index', 1],
          ],
        },
      ],
    },
    {
      name: 'redirections',
      // A Thng's redirector (`GET /thngs/:id/redirector`) is found by the Thng. An index only: no rebuild needed.
      indexes: [
        {
          name: 'by_tenant_thng',
          fields: [
            ['tenant', 1],
            ['thngId', 1],
          ],
        },
      ],
    },
  ],
  apply(event) {
    const at = Date.parse(event.occurredAt);
    const taskId = taskIdOf(event.stream);
    const id = taskDocId(event.tenant, taskId);
    const patch = (set: Record<string, unknown>, inc?: Record<string, number>): ProjectionWrite => ({
      collection: 'tasks',
      op: { kind: 'patch', id, set: { ...set, updatedAt: at }, ...(inc && { inc }) },
    });
    switch (event.type) {
      case TaskQueued.type: {
        const { taskId: _, ...queued } = event.data;
        // The task's short-ID key stays in its stream, never in a document readers see.
        const spec = queued.type === 'SHORT_ID_GENERATION' ? (({ shortIdKey: __, ...rest }) => rest)(queued) : queued;
        const doc: Omit<TaskDoc, '_id'> = {
          ...spec,
          tenant: event.tenant,
          taskId,
          status: 'PENDING',
          thngs: 0,
          urlBindings: 0,
          failedUrlBindings: 0,
          shortIds: 0,
          createdAt: at,
          updatedAt: at,
        };
        return [{ collection: 'tasks', op: { kind: 'put', id, doc } }];
      }
      case TaskStarted.type:
        return [patch({ status: 'EXECUTING' })];
      case TaskCancelRequested.type:
        return [patch({ status: 'CANCELLING', cancelled: true })];
      case ItemsGenerated.type:
        return itemsGenerated(event.tenant, taskId, event.data, at, patch);
      case TaskResultFileWritten.type: {
        const { batchId: _, ...resultFile } = event.data;
        return [patch({ resultFile })];
      }
      case TaskCompleted.type:
        return [patch({ status: event.data.status, completedAt: at, endPosition: event.position })];
      case TaskFailed.type:
        return [patch({ status: 'FAILED', error: event.data.error, completedAt: at, endPosition: event.position })];
      default:
        return [];
    }
  },
});

function itemsGenerated(
  tenant: string,
  taskId: string,
  data: EventData<typeof ItemsGenerated>,
  at: number,
  patch: (set: Record<string, unknown>, inc: Record<string, number>) => ProjectionWrite,
): ProjectionWrite[] {
  const { redirect, clashes } = data;
  const refused = data.file?.rejected ?? [];
  const writes: ProjectionWrite[] = [
    patch(
      {},
      {
        thngs: data.thngTemplate ? data.count : 0,
        urlBindings: redirect ? data.count - clashes.length : 0,
        failedUrlBindings: redirect ? clashes.length + refused.length : 0,
        // Neither Thngs nor redirections: a SHORT_ID_GENERATION chunk, codes only.
        shortIds: data.thngTemplate || redirect ? 0 : data.count,
      },
    ),
  ];
  writes.push(...refused.map((row) => refusedRowLog(tenant, taskId, data.first, row, at)));
  if (!redirect) return writes;
  const clashed = new Set(clashes.map((c) => c.index));
  for (const { index, thngId, shortId } of chunkItems(taskId, data)) {
    if (clashed.has(index)) {
      const log: Omit<TaskLogDoc, '_id'> = {
        tenant,
        taskId,
        index,
        message: `Failed to generate UrlBinding for [${shortId}]: uniqueness constraint violated.`,
        payload: { shortId, ...(data.thngTemplate && { thng: thngId }) },
        createdAt: at,
      };
      writes.push({ collection: 'task_logs', op: { kind: 'put', id: `${tenant}:${taskId}:${index}`, doc: log } });
      continue;
    }
    const doc: Omit<RedirectionDoc, '_id'> = {
      tenant,
      shortDomain: redirect.shortDomain,
      shortId,
      target: redirectTarget(redirect.url, thngId, shortId),
      thngId,
      taskId,
      createdAt: at,
    };
    writes.push({ collection: 'redirections', op: { kind: 'put', id: redirectionDocId(redirect.shortDomain, shortId), doc } });
  }
  return writes;
}

/** A FILE_BASED row that made no item, logged by its line; `index` is the chunk's first item, so logs read in file order. */
function refusedRowLog(tenant: string, taskId: string, index: number, row: RejectedRow, at: number): ProjectionWrite {
  const doc: Omit<TaskLogDoc, '_id'> = {
    tenant,
    taskId,
    index,
    message: `Line ${row.line}: ${row.error}`,
    payload: { ...(row.shortId !== undefined && { shortId: row.shortId }) },
    createdAt: at,
  };
  return { collection: 'task_logs', op: { kind: 'put', id: `${tenant}:${taskId}:line:${String(row.line).padStart(10, '0')}`, doc } };
}
