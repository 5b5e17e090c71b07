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
import { AggregateCache, type Aggregate } from './aggregate-cache';
import { DomainError, type AnyDecider } from './decider';
import type { CommandOutcomes } from '@batchyard/command-bus';
import { NO_LIMITS, type ReservationStep, type ReserveContext, type Reserves } from '../reservations/reservations';

export interface CommandRoute {
  definition: CommandDefinition;
  decider: AnyDecider;
  /** Unique values, locks and quota shares on other streams that the command's write takes or gives up (see `reserveAndDecide`). */
  reserves?: Reserves<any, any>;
}

/** What deciding on one stream came to; `wrote`: this command's events are on the stream (appended now or before). */
interface Decision {
  outcome: CommandOutcome;
  wrote: boolean;
}

/**
 * Events are small by design (MAX_EVENT_DATA_BYTES), so that each fits an append and the relay's message: a
 * command whose events would not is refused as too large; retrying would decide the same events.
 */
const tooLarge = (commandId: string, message: string): CommandOutcome => ({ commandId, status: 'rejected', error: { code: 'too_large', message } });

type Attempt = { events: ReturnType<AnyDecider['decide']> } | { rejected: CommandOutcome };

/** What the route's decider says to `command` on `state`: its events, or its rejection as an outcome. */
function decideOn(route: CommandRoute, command: CommandEnvelope, state: unknown): Attempt {
  try {
    return { events: route.decider.decide(command, state) };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { rejected: { commandId: command.commandId, status: 'rejected', error: { code: error.code, message: error.message, field: error.field } } };
  }
}

/** The rejection `command` meets if decided now on `aggregate`, without appending; undefined when it would pass or passed before. */
function refusalIn(route: CommandRoute, command: CommandEnvelope, aggregate: Aggregate): CommandOutcome | undefined {
  if (aggregate.causedBy.has(command.commandId)) return undefined;
  const decided = decideOn(route, command, aggregate.state);
  return 'rejected' in decided ? decided.rejected : undefined;
}

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
    /** The configuration reservations depend on (the tenant limits); none by default. */
    private readonly context: ReserveContext = NO_LIMITS,
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
    const checked = { ...command, data: parsed.data };
    return route.reserves ? this.reserveAndDecide(route, route.reserves, checked) : (await this.decide(route, checked)).outcome;
  }

  /**
   * Reserve, write, release, as one command: its reservations are taken first (a clash rejects the command, and
   * nothing is written), then the write is decided; a rejected write gives back what it took, an accepted one
   * releases what it gave up. Each step's id derives from the command's, so a command redelivered after a crash at
   * any point takes nothing twice and finishes the rest: the outcome is recorded only after the last step, and until
   * then the bus delivers the command again.
   */
  private async reserveAndDecide(route: CommandRoute, reserves: Reserves<unknown, any>, command: CommandEnvelope): Promise<CommandOutcome> {
    const stream = this.streamOf(route, command);
    const aggregate = await this.aggregates.load(stream, route.decider);
    // Redelivered after its write: what it reserves was decided from the state before it.
    const before = aggregate.causedBy.has(command.commandId) ? await this.stateBefore(stream, route.decider, command.commandId) : aggregate.state;
    const { take, release } = reserves(command, before, this.context);
    // A dry run against the states as they are: what its own decider or one of its takes refuses now is answered at
    // once, with nothing written (no take to give back). Not once a take is written (a redelivery after a crash): that
    // one goes the whole way, giving back what it took. A refusal only a race brings is caught below as before.
    const takes = take.map(({ step }) => this.stepOf(command, step, 'take'));
    const taking = await Promise.all(takes.map(([stepRoute, stepCommand]) => this.aggregates.load(this.streamOf(stepRoute, stepCommand), stepRoute.decider)));
    if (!takes.some(([, stepCommand], i) => taking[i].causedBy.has(stepCommand.commandId))) {
      const dryRun: [CommandRoute, CommandEnvelope, Aggregate][] = [
        [route, command, aggregate],
        ...takes.map(([r, c], i): [CommandRoute, CommandEnvelope, Aggregate] => [r, c, taking[i]]),
      ];
      for (const [stepRoute, stepCommand, stepAggregate] of dryRun) {
        const refused = refusalIn(stepRoute, stepCommand, stepAggregate);
        if (refused) return { ...refused, commandId: command.commandId };
      }
    }
    const taken: ReservationStep[] = [];
    let outcome: CommandOutcome | undefined;
    for (const { step, undo } of take) {
      const reserved = await this.step(command, step, 'take');
      if (reserved.outcome.status === 'rejected') {
        outcome = { ...reserved.outcome, commandId: command.commandId };
        break;
      }
      if (reserved.wrote) taken.push(undo);
    }
    outcome ??= (await this.decide(route, command)).outcome;
    for (const step of outcome.status === 'accepted' ? release : taken) await this.step(command, step, outcome.status === 'accepted' ? 'release' : 'undo');
    return outcome;
  }

  /** One reservation step of `command`, decided by its own route on its own stream. */
  private step(command: CommandEnvelope, step: ReservationStep, role: 'take' | 'undo' | 'release'): Promise<Decision> {
    return this.decide(...this.stepOf(command, step, role));
  }

  /** The command of a reservation step, with its route; its id derives from the command's, so a redelivery repeats it exactly. */
  private stepOf(command: CommandEnvelope, step: ReservationStep, role: 'take' | 'undo' | 'release'): [CommandRoute, CommandEnvelope] {
    const route = this.routes.get(step.definition.type);
    if (!route) throw new Error(`reservation step ${step.definition.type} has no route`);
    const commandId = uuidFrom(`${command.commandId}:${role}:${step.definition.type}:${step.aggregateId}`);
    const data = step.definition.schema.parse(step.data);
    return [
      route,
      { ...command, commandId, causationId: command.commandId, type: step.definition.type, tenant: step.tenant ?? command.tenant, aggregateId: step.aggregateId, data },
    ];
  }

  /** The stream's state before the first event `commandId` appended to it. */
  private async stateBefore(stream: string, decider: AnyDecider<unknown>, commandId: string): Promise<unknown> {
    let state = decider.initialState();
    for (const event of await this.events.readStream(stream)) {
      if (event.causationId === commandId) break;
      state = decider.evolve(state, event);
    }
    return state;
  }

  private streamOf(route: CommandRoute, command: CommandEnvelope): string {
    return streamName(route.definition.category, command.tenant, command.aggregateId);
  }

  /** Decides `command` (its data parsed) on its stream and appends the events, retrying on a revision conflict. */
  private async decide(route: CommandRoute, command: CommandEnvelope): Promise<Decision> {
    const { commandId } = command;
    const stream = this.streamOf(route, command);
    for (let attempt = 0; ; attempt++) {
      const aggregate = await this.aggregates.load(stream, route.decider);
      // A redelivery after the append but before the outcome was recorded: the events are there already.
      const earlier = aggregate.causedBy.get(commandId);
      if (earlier !== undefined) return { outcome: { commandId, status: 'accepted', position: earlier }, wrote: true };
      const attempted = decideOn(route, command, aggregate.state);
      if ('rejected' in attempted) return { outcome: attempted.rejected, wrote: false };
      const decided = attempted.events;
      if (decided.length === 0) return { outcome: { commandId, status: 'accepted', position: aggregate.position }, wrote: false };
      const checked = { data: command.data, schema: route.definition.schema };
      const envelopes = decided.map((event, i) => this.envelope(command, event.type, event.data, i, checked));
      const oversized = envelopes.map((e) => ({ type: e.type, bytes: jsonBytes(e.data) })).find((e) => e.bytes > MAX_EVENT_DATA_BYTES);
      if (oversized)
        return {
          outcome: tooLarge(commandId, `the ${oversized.type} event of ${command.type} would take ${oversized.bytes} bytes; an event takes at most ${MAX_EVENT_DATA_BYTES}`),
          wrote: false,
        };
      try {
        const expected = aggregate.revision >= 0 ? aggregate.revision : 'no_stream';
        const appended = await this.events.append(stream, envelopes, expected);
        this.aggregates.appended(stream, aggregate, envelopes, commandId, appended);
        return { outcome: { commandId, status: 'accepted', position: appended.position }, wrote: true };
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < MAX_CONFLICT_RETRIES) continue;
        if (error instanceof AppendTooLargeError) {
          return {
            outcome: tooLarge(commandId, `the events of ${command.type} weigh ${error.bytes} bytes; the event store takes at most ${error.limit} in one append`),
            wrote: false,
          };
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
