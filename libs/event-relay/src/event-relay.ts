import { MessageHeaders, eventTopicOf, type RecordedEvent } from '@batchyard/contracts';
import type { EventStore } from '@batchyard/event-store';
import type { MessageBus, OutgoingMessage } from '@batchyard/messaging';
import { CheckpointedProcessor, type ProcessorOptions } from '@batchyard/projections';
import type { ReadStore } from '@batchyard/read-store';
import { RELAY_CHECKPOINT } from '@batchyard/runtime';

/** The message an event becomes on its category's topic: keyed by stream, so a stream's events stay in order. */
export function eventMessage(event: RecordedEvent): OutgoingMessage {
  return {
    topic: eventTopicOf(event.stream),
    key: event.stream,
    value: JSON.stringify(event),
    headers: {
      [MessageHeaders.messageId]: event.eventId,
      [MessageHeaders.type]: event.type,
      [MessageHeaders.version]: String(event.version),
      [MessageHeaders.tenant]: event.tenant,
      [MessageHeaders.correlationId]: event.correlationId,
      [MessageHeaders.causationId]: event.causationId,
    },
  };
}

/**
 * Publishes appended events to the bus from a checkpointed catch-up subscription: no dual writes.
 * At least once: a crash between publish and checkpoint republishes, and consumers deduplicate on
 * the message id (the event id). An event the bus refuses is parked and the relay goes on; later events
 * of its stream are not held back (consumers read a stream's state, not its messages' order), and a
 * retry publishes it then. A probe publishes an event of the same topic again.
 */
export function createEventRelay(events: EventStore, readStore: ReadStore, bus: MessageBus, hooks: Pick<ProcessorOptions, 'onError' | 'onParked'> = {}) {
  return new CheckpointedProcessor(events, readStore, {
    name: RELAY_CHECKPOINT,
    handle: (page) => bus.publish(page.map(eventMessage)),
    resourcesOf: (event) => [eventTopicOf(event.stream)],
    ...hooks,
  });
}
