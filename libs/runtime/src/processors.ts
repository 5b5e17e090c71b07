import { projectionCheckpoint, type ProcessorOptions } from '@batchyard/projections';
import { Projections } from '@batchyard/read-models';
import { WEBHOOKS_CHECKPOINT } from '@batchyard/webhooks';
import type { Logger } from './logger';

export const RELAY_CHECKPOINT = 'relay:events';

export interface ProcessorName {
  /** What operators see: the projection's name, `relay` or `webhooks`. */
  name: string;
  /** Its checkpoint, lease and parked-event name. */
  checkpoint: string;
}

/** Every processor of an installation: a runner per projection, the relay, and the webhook delivery processor. */
export const installationProcessors = (): ProcessorName[] => [
  ...Projections.map((p) => ({ name: p.name, checkpoint: projectionCheckpoint(p) })),
  { name: 'relay', checkpoint: RELAY_CHECKPOINT },
  { name: 'webhooks', checkpoint: WEBHOOKS_CHECKPOINT },
];

/** What a process runs, for its `/health`: processors following the event store, and bus consumer groups. */
export class Roster {
  readonly processors: ProcessorName[] = [];
  readonly consumers: string[] = [];

  addProcessors(names: readonly ProcessorName[]): void {
    this.processors.push(...names);
  }

  addConsumer(groupId: string): void {
    this.consumers.push(groupId);
  }
}

/** A processor's failures in the log: the detail `/health` leaves out. */
export function processorLogging(logger: Logger, processor: string): Pick<ProcessorOptions, 'onError' | 'onParked'> {
  return {
    onError: (error) => logger.error({ err: error, processor }, 'processor failed; retrying'),
    onParked: ({ keys, ...parked }, error) =>
      error
        ? logger.error({ err: error, processor, parked, documents: keys?.length }, 'event parked: the processor cannot apply it and goes on (ops parked list)')
        : logger.warn({ processor, parked, documents: keys?.length }, `event held behind parked ${parked.heldBehind}`),
  };
}
