import { Controller, Get, Inject, Query } from '@nestjs/common';
import { MessageHeaders } from '@batchyard/contracts';
import { Checkpoints, Leases, ParkedEvents, type ParkedEvent } from '@batchyard/projections';
import type { ReadStore } from '@batchyard/read-store';
import { installationProcessors, ReadStoreDeadLetters } from '@batchyard/runtime';
import { AllowRoles, CurrentCaller } from '../auth/auth.decorators';
import type { Caller } from '../auth/caller';
import { parseInput } from '../http/zod-issues';
import { READ_STORE } from '../tokens';

import { deadLettersQuery, parkedEventsQuery } from './operator-input';

const MAX_VALUE_CHARS = 2_000;

const held = (lease: { expiresAt: number } | undefined) => Boolean(lease && lease.expiresAt > Date.now());

/**
 * Batchyard's own API for an operator key, read only (docs/operations.md, "From the console"): the processors'
 * status, lag and parked counts (installation-wide, and carrying no tenant's data), and the parked events and dead
 * letters of the caller's own tenant. Retry, skip and redrive stay with `npm run ops`.
 */
@Controller('batchyard/v1/operator')
@AllowRoles('operator')
export class OperatorController {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  /**
   * Each projection, then the relay. Lag is measured as the metrics measure it: from the furthest checkpoint (the
   * relay's, which follows every event), as the gateway never opens the event store.
   */
  @Get('projections')
  async projections() {
    const states = new Map((await new Checkpoints(this.readStore).all()).map((c) => [c._id, c]));
    const head = Math.max(0, ...[...states.values()].map((c) => c.position));
    const leases = new Leases(this.readStore);
    const processors = [];
    for (const { name, checkpoint } of installationProcessors()) {
      const state = states.get(checkpoint);
      const position = state?.position ?? 0;
      const parked = state?.parked ?? 0;
      const rebuilding = held(await leases.holder(`rebuild:${checkpoint}`));
      const running = held(await leases.holder(checkpoint));
      const status = rebuilding ? 'rebuilding' : !running ? 'stopped' : state?.stalledSince ? 'stalled' : parked ? 'degraded' : 'running';
      processors.push({ name, status, checkpoint: position, lag: Math.max(0, head - position), parked, ...(state?.stalledSince && { stalledSince: state.stalledSince }) });
    }
    return { head, processors };
  }

  /** The caller's tenant's parked (or held) events, by processor then position; `?processor=` narrows to one. */
  @Get('parked-events')
  async parkedEvents(@Query() query: unknown, @CurrentCaller() caller: Caller) {
    const { processor, limit } = parseInput(parkedEventsQuery, query ?? {});
    return (await new ParkedEvents(this.readStore).list({ processor, tenant: caller.tenant, limit })).map(
      ({ id, processor, position, eventId, type, stream, error, attempts, parkedAt, heldBehind, request }: ParkedEvent) => ({
        id,
        processor,
        position,
        eventId,
        type,
        stream,
        error,
        attempts,
        parkedAt,
        ...(heldBehind && { heldBehind }),
        ...(request && { request }),
      }),
    );
  }

  /** The caller's tenant's dead letters (by the message's `tenant` header), oldest first; the value cut short, no stack. */
  @Get('dead-letters')
  async deadLetters(@Query() query: unknown, @CurrentCaller() caller: Caller) {
    const { limit } = parseInput(deadLettersQuery, query ?? {});
    return (await new ReadStoreDeadLetters(this.readStore).list({ tenant: caller.tenant, limit })).map(
      ({ id, groupId, topic, partition, offset, key, value, headers, error, attempts, deadLetteredAt }) => ({
        id,
        groupId,
        topic,
        partition,
        offset,
        key,
        type: headers[MessageHeaders.type],
        messageId: headers[MessageHeaders.messageId],
        value: value.length > MAX_VALUE_CHARS ? `${value.slice(0, MAX_VALUE_CHARS)}…` : value,
        error,
        attempts,
        deadLetteredAt,
      }),
    );
  }
}
