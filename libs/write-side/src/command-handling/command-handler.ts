import {
  EventCatalogue,
  MAX_EVENT_DATA_BYTES,
  jsonBytes,
  streamName,
  uuidFrom,
  type CommandDefinition,
  type CommandEnvelope,
  type CommandOutcome,
  type NewEvent,
} from '@batchyard/contracts';
import { AppendTooLargeError, WrongExpectedRevisionError, type EventStore } from '@batchyard/event-store';
import { AggregateCache } from './aggregate-cache';
import { DomainError, type Decider } from './decider';
import type { CommandOutcomes } from '@batchyard/command-bus';

export interface CommandRoute {
  definition: CommandDefinition;
  decider: Decider<any>;
}

/**
 * Events are small by design (MAX_EVENT_DATA_BYTES), so that each fits an append and the relay's message: a
 * command whose events would not is refused as too large; retrying would decide the same events.
 */
const tooLarge = (commandId: string, message: string): CommandOutcome => ({ commandId, status: 'rejected', error: { code: 'too_large', message } });

const eventVersions = new Map(EventCatalogue.map((d) => [d.type, d]));
const MAX_CONFLICT_RETRIES = 20;

/**
 * The one command handler: load the aggregate (folded, cached, caught up with its stream), decide, append
 * with the expected revision (retrying only on a revision conflict), and record the outcome by command id.
 * Event ids derive from the command id, so a redelivered command appends nothing twice.
 */
export class CommandHandler {
  private readonly routes: Map<string, CommandRoute>;
  private readonly aggregates: AggregateCache;

  constructor(
    private readonly events: EventStore,
    private readonly outcomes: CommandOutcomes,
    routes: readonly CommandRoute[],
  ) {
    this.routes = new Map(routes.map((r) => [r.definition.type, r]));
    this.aggregates = new AggregateCache(events);
  }

  async handle(command: CommandEnvelope): Promise<CommandOutcome> {
    const known = await this.outcomes.get(command.commandId);
    if (known) return known;
    const outcome = await this.decideAndAppend(command);
    await this.outcomes.record(outcome);
    return outcome;
  }

  private async decideAndAppend(command: CommandEnvelope): Promise<CommandOutcome> {
    const { commandId } = command;
    const route = this.routes.get(command.type);
    if (!route) return { commandId, status: 'rejected', error: { code: 'invalid', message: `unknown command ${command.type}` } };
    const parsed = route.definition.schema.safeParse(command.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { commandId, status: 'rejected', error: { code: 'invalid', message: issue.message, field: issue.path.join('.') } };
    }
    const stream = streamName(route.definition.category, command.tenant, command.aggregateId);
    for (let attempt = 0; ; attempt++) {
      const aggregate = await this.aggregates.load(stream, route.decider);
      // A redelivery after the append but before the outcome was recorded: the events are there already.
      const earlier = aggregate.causedBy.get(commandId);
      if (earlier !== undefined) return { commandId, status: 'accepted', position: earlier };
      let decided;
      try {
        decided = route.decider.decide({ ...command, data: parsed.data }, aggregate.state);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return { commandId, status: 'rejected', error: { code: error.code, message: error.message, field: error.field } };
      }
      if (decided.length === 0) return { commandId, status: 'accepted', position: aggregate.position };
      const checked = { data: parsed.data, schema: route.definition.schema };
      const envelopes = decided.map((event, i) => this.envelope(command, event.type, event.data, i, checked));
      const oversized = envelopes.map((e) => ({ type: e.type, bytes: jsonBytes(e.data) })).find((e) => e.bytes > MAX_EVENT_DATA_BYTES);
      if (oversized) return tooLarge(commandId, `the ${oversized.type} event of ${command.type} would take ${oversized.bytes} bytes; an event takes at most ${MAX_EVENT_DATA_BYTES}`);
      try {
        const expected = aggregate.revision >= 0 ? aggregate.revision : 'no_stream';
        const appended = await this.events.append(stream, envelopes, expected);
        this.aggregates.appended(stream, aggregate, envelopes, commandId, appended);
        return { commandId, status: 'accepted', position: appended.position };
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < MAX_CONFLICT_RETRIES) continue;
        if (error instanceof AppendTooLargeError) {
          return tooLarge(commandId, `the events of ${command.type} weigh ${error.bytes} bytes; the event store takes at most ${error.limit} in one append`);
        }
        throw error;
      }
    }
  }

  /** `checked`: the command's data as its schema parsed it; an event passing it on under that same schema is not parsed again (a chunk is big). */
  private envelope(command: CommandEnvelope, type: string, data: unknown, index: number, checked: { data: unknown; schema: unknown }): NewEvent {
    const definition = eventVersions.get(type);
    if (!definition) throw new Error(`event ${type} has no contract in libs/contracts`);
    return {
      eventId: uuidFrom(`${command.commandId}:${index}`),
      type,
      version: definition.version,
      tenant: command.tenant,
      correlationId: command.correlationId,
      causationId: command.commandId,
      occurredAt: new Date().toISOString(),
      data: data === checked.data && definition.schema === checked.schema ? data : definition.schema.parse(data),
    };
  }
}
