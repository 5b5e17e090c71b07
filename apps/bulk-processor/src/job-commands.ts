import { command } from '@batchyard/command-bus';
import type { CommandDefinition, CommandOutcome } from '@batchyard/contracts';
import type { EventStore } from '@batchyard/event-store';
import type { ReadStore } from '@batchyard/read-store';
import { InProcessCommandSender } from '@batchyard/write-side';

const PROCESSOR = { keyId: 'bulk-processor', name: 'bulk-processor', role: 'operator' as const };

/**
 * How the processor records progress: commands on the job sent in process, decided by the batch service's own
 * handler and decider straight against the event store (as the ops tool does), so every step is checked by the
 * job's rules. Step command ids are deterministic, so a step repeated after a crash or by a second instance appends
 * nothing twice.
 */
export class JobCommands {
  private readonly sender: InProcessCommandSender;

  constructor(events: EventStore, readStore: ReadStore) {
    this.sender = InProcessCommandSender.over(events, readStore);
  }

  /** `aggregateId`: the job's, unless the step is about another aggregate (the job's lock). */
  send(definition: CommandDefinition, data: unknown, job: { tenant: string; jobId: string; step: string }, aggregateId = job.jobId): Promise<CommandOutcome> {
    return this.sender.send(
      command(definition, data, { tenant: job.tenant, aggregateId, actor: PROCESSOR, commandId: `${job.tenant}:${job.jobId}:${job.step}`, correlationId: job.jobId }),
    );
  }
}
