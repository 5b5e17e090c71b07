import type { z } from 'zod';
import type { RecordedEvent } from './envelope';

/**
 * A versioned event contract: one schema used by the producer (before append) and by every
 * consumer (after reading), so both sides agree on the payload.
 */
export interface EventDefinition<TType extends string = string, TSchema extends z.ZodType = z.ZodType> {
  type: TType;
  version: number;
  /** The stream category the event lives in; the relay publishes it to that category's topic. */
  category: string;
  description: string;
  schema: TSchema;
}

export type EventData<D extends EventDefinition> = z.infer<D['schema']>;

export function defineEvent<TType extends string, TSchema extends z.ZodType>(definition: EventDefinition<TType, TSchema>): EventDefinition<TType, TSchema> {
  return definition;
}

/** A recorded event of one contract; of a union of contracts, a union that `switch (event.type)` narrows. */
export type RecordedOf<D extends EventDefinition> = D extends EventDefinition ? Omit<RecordedEvent, 'type' | 'data'> & { type: D['type']; data: EventData<D> } : never;

/** Narrows a recorded event to one contract by its type: the store checked its data against that schema on append. */
export const isEventOf = <D extends EventDefinition>(event: RecordedEvent, definition: D): event is RecordedEvent & RecordedOf<D> => event.type === definition.type;
