import { ItemsGenerated, TaskCancelRequested, TaskCompleted, TaskFailed, TaskResultFileWritten, TaskSpecSchema, TaskStarted } from '../events/task-events';
import { TaskInputOpened } from '../events/task-input-file';
import { StreamCategory } from '../streams';
import { defineCommand } from './command-definitions';

export const QueueTask = defineCommand({ type: 'QueueTask', category: StreamCategory.task, schema: TaskSpecSchema });

/** The task worker records its progress as commands on the task, so a step repeated after a crash appends nothing twice. */
export const StartTask = defineCommand({ type: 'StartTask', category: StreamCategory.task, schema: TaskStarted.schema });
export const OpenTaskInput = defineCommand({ type: 'OpenTaskInput', category: StreamCategory.task, schema: TaskInputOpened.schema });
export const RecordItems = defineCommand({ type: 'RecordItems', category: StreamCategory.task, schema: ItemsGenerated.schema });
export const RecordResultFile = defineCommand({ type: 'RecordResultFile', category: StreamCategory.task, schema: TaskResultFileWritten.schema });
export const CompleteTask = defineCommand({ type: 'CompleteTask', category: StreamCategory.task, schema: TaskCompleted.schema });
export const FailTask = defineCommand({ type: 'FailTask', category: StreamCategory.task, schema: TaskFailed.schema });

export const CancelTask = defineCommand({ type: 'CancelTask', category: StreamCategory.task, schema: TaskCancelRequested.schema });

export const taskCommands = [QueueTask, StartTask, OpenTaskInput, RecordItems, RecordResultFile, CompleteTask, FailTask, CancelTask] as const;
