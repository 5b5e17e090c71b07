import { command } from '@batchyard/command-bus';
import type { CommandDefinition, CommandOutcome } from '@batchyard/contracts';
import type { EventStore } from '@batchyard/event-store';
import type { ReadStore } from '@batchyard/read-store';
import { InProcessCommandSender } from '@batchyard/write-side';

const WORKER = { keyId: 'task-worker', name: 'task-worker', role: 'operator' as const };

/** The command id of a step of a task: the same whoever takes the step, however often. */
export const stepCommandId = (task: { tenant: string; taskId: string; step: string }) => `${task.tenant}:task:${task.taskId}:${task.step}`;

/**
 * How the worker records a task's progress: commands sent in process, decided by the batch service's own handler
 * and the task's decider straight against the event store. Step command ids are deterministic, so a step repeated
 * after a crash or by a second worker answers from its recorded outcome and appends nothing twice.
 */
export class TaskCommands {
  private readonly sender: InProcessCommandSender;

  constructor(events: EventStore, readStore: ReadStore) {
    this.sender = InProcessCommandSender.over(events, readStore);
  }

  /** `aggregateId`: the task's, unless the step is about another aggregate (the tenant's quota of tasks). */
  async send(definition: CommandDefinition, data: unknown, task: { tenant: string; taskId: string; step: string }, aggregateId = task.taskId): Promise<CommandOutcome> {
    const outcome = await this.sender.send(
      command(definition, data, { tenant: task.tenant, aggregateId, actor: WORKER, commandId: stepCommandId(task), correlationId: task.taskId }),
    );
    if (outcome.status !== 'accepted') throw new Error(`${definition.type} of task ${task.taskId} was rejected: ${JSON.stringify(outcome)}`);
    return outcome;
  }
}
