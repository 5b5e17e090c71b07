import { taskQuantity } from '@batchyard/contracts';
import type { TaskDoc } from '@batchyard/read-models';

const share = (done: number, of: number) => (of > 0 ? Math.floor((Math.min(done, of) * 100) / of) : 0);

/**
 * How far a task is, in whole percent, for the progress stream: 100 only once it reads as EXECUTED (or with
 * failures), its counts as a share of what it makes until then (a FILE_BASED task's size is unknown to the read model: null).
 * `readable` is the task as readers see it (docs/tasks.md: it ends once the read models show all of its work).
 */
export function taskPercent(task: TaskDoc, readableStatus: string): number | null {
  if (readableStatus === 'EXECUTED' || readableStatus === 'EXECUTED_WITH_FAILURES') return 100;
  if (task.type === 'SHORT_ID_GENERATION') return Math.min(99, share(task.shortIds, task.inputParameters.quantity));
  const input = task.inputParameters;
  if (input.type === 'FILE_BASED') return null;
  const perItem = (input.generateThngs ? 1 : 0) + (input.generateRedirections ? 1 : 0);
  return Math.min(99, share(task.thngs + task.urlBindings + task.failedUrlBindings, taskQuantity(input) * perItem));
}
