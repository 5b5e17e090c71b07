// The write side: deciders per aggregate, the one command handler and the routes from command to decider.
export { AggregateCache, type Aggregate } from './command-handling/aggregate-cache';
export { CommandHandler, type CommandRoute } from './command-handling/command-handler';
export * from './command-handling/decider';
export { InProcessCommandSender } from './command-handling/in-process-sender';
export { commandRoutes } from './command-routes';
export { type QuotaLimits, type ReserveContext } from './reservations/reservations';
export { bulkJobDecider, isTerminal as isBulkJobTerminal, type BulkJobState, type BulkJobStatus } from './bulk-jobs/bulk-job.decider';
export { isTerminal as isTaskTerminal, taskDecider, type TaskState, type TaskStatus } from './tasks/task.decider';
export { redirectionDecider, type RedirectionState } from './redirections/redirection.decider';
export { tenantDecider, type TenantState } from './tenants/tenant.decider';
export { nextBulkJobStep, type BulkJobStep, type BulkJobEnding } from './workflows/bulk-job.workflow';
export { chunkAwaited, nextTaskStep, refusedRows, rowsRead, type TaskStep } from './workflows/task.workflow';
export { clashBytes, itemsFitting, itemsRoom, listedBytes } from './workflows/tasks/chunk-budget';
export { fileRow, inputColumns } from './workflows/tasks/file-rows';
