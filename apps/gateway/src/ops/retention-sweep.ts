import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandOutcomes } from '@batchyard/command-bus';
import type { ReadStore } from '@batchyard/read-store';
import type { Infrastructure } from '@batchyard/runtime';
import { IdempotencyStore } from '../idempotency/idempotency-store';
import { INFRASTRUCTURE, READ_STORE } from '../tokens';

/** How often the gateway deletes what is past its retention: small sweeps, and nothing kept much past its time. */
export const RETENTION_SWEEP_MS = 10 * 60_000;

/** How long the events feed keeps an event (`BATCHYARD_EVENTS_RETENTION_DAYS`, default 30, like Stripe's events API). */
export const eventsRetentionMs = (env: NodeJS.ProcessEnv = process.env) => Number(env.BATCHYARD_EVENTS_RETENTION_DAYS || 30) * 86_400_000;

/** Deletes the idempotency records, command outcomes and events-feed entries past their retention; how many of each. */
export async function sweepRetention(readStore: ReadStore, now = Date.now()): Promise<{ idempotency: number; outcomes: number; feed: number }> {
  return {
    idempotency: await new IdempotencyStore(readStore).prune(now),
    outcomes: await new CommandOutcomes(readStore).prune(now),
    feed: await readStore.collection('events_feed').deleteMany({ occurredAt: { $lt: new Date(now - eventsRetentionMs()).toISOString() } }),
  };
}

/**
 * Runs `sweepRetention` at start and every RETENTION_SWEEP_MS in each gateway process (docs/operations.md,
 * "Retention"). Several gateways may sweep at once: each deletes only what is past its time, and a document deleted
 * twice is deleted once.
 */
@Injectable()
export class RetentionSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
  ) {}

  onApplicationBootstrap(): void {
    this.sweepThenWait();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.sweeping;
  }

  private sweepThenWait(): void {
    this.sweeping = sweepRetention(this.readStore)
      .then(
        (deleted) => this.infra.logger.debug({ deleted }, 'retention sweep'),
        (err) => this.infra.logger.warn({ err }, 'retention sweep failed; the next one tries again'),
      )
      .finally(() => {
        if (!this.stopped) this.timer = setTimeout(() => this.sweepThenWait(), RETENTION_SWEEP_MS).unref();
      });
  }
}
