import { randomUUID } from 'node:crypto';
import type { EventStore } from '@batchyard/event-store';
import { describeError } from '@batchyard/messaging';
import { CheckpointedProcessor, Leases, type ProcessorOptions } from '@batchyard/projections';
import type { ReadStore } from '@batchyard/read-store';
import { postWebhook, type PostResult } from './delivery-target';
import { PublicEventTypes, publicEvent, type RecordedEvent } from '@batchyard/contracts';
import { SIGNATURE_HEADER, signatureHeader } from './signature';
import { WebhookStore, type WebhookDeliveryDoc, type WebhookEndpointDoc } from './webhook-store';

export const WEBHOOKS_CHECKPOINT = 'webhooks';
const DISPATCH_LEASE = 'webhooks-dispatch';

export interface WebhookDeliveryOptions {
  /** Lets deliveries reach loopback and private addresses (`BATCHYARD_WEBHOOKS_ALLOW_PRIVATE=true`). */
  allowPrivate: boolean;
  /** First retry after this; doubled each attempt up to `maxBackoffMs`. */
  firstBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a delivery is retried before it is given up (`failed`). */
  giveUpAfterMs?: number;
  /** An endpoint whose every attempt failed for this long is disabled (`BATCHYARD_WEBHOOKS_DISABLE_AFTER_MS`; 3 days). */
  disableAfterMs?: number;
  pollMs?: number;
  /** false: only queue deliveries (the ops tool's standby, carrying out parked-event requests); nothing is sent. */
  dispatch?: boolean;
  onError?: ProcessorOptions['onError'];
  onParked?: ProcessorOptions['onParked'];
}

const DAY_MS = 86_400_000;
export const DISABLE_AFTER_MS = 3 * DAY_MS;

/** `259200000` → `3 days`, `1500` → `1.5 s`: for the reason an endpoint shows. */
const duration = (ms: number) =>
  ms >= DAY_MS && ms % DAY_MS === 0 ? `${ms / DAY_MS} day${ms === DAY_MS ? '' : 's'}` : ms >= 3_600_000 ? `${+(ms / 3_600_000).toFixed(1)} h` : `${+(ms / 1000).toFixed(1)} s`;

const subscribes = (endpoint: WebhookEndpointDoc, type: string) => endpoint.enabled && (endpoint.events.includes('*') || endpoint.events.includes(type));

/**
 * Webhook deliveries, at least once. A checkpointed processor (its own checkpoint, like the relay) turns each
 * public event into one pending delivery per subscribed endpoint, in the kept state, before its checkpoint moves
 * on; a dispatcher (one live holder of its lease across processes) sends the due ones, oldest first per stream,
 * and schedules a failed one again with exponential backoff. A crash anywhere repeats work, never loses it:
 * deliveries are keyed by endpoint and event id, and a resent one carries the same body.
 */
export class WebhookDelivery {
  readonly store: WebhookStore;
  private readonly processor: CheckpointedProcessor;
  private readonly leases: Leases;
  private readonly owner = randomUUID();
  private abort = new AbortController();
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    events: EventStore,
    readStore: ReadStore,
    private readonly options: WebhookDeliveryOptions,
  ) {
    this.store = new WebhookStore(readStore);
    this.leases = new Leases(readStore);
    this.processor = new CheckpointedProcessor(events, readStore, {
      name: WEBHOOKS_CHECKPOINT,
      eventTypes: PublicEventTypes,
      handle: (page) => this.enqueue(page),
      onError: options.onError,
      onParked: options.onParked,
    });
  }

  async start(): Promise<void> {
    await this.store.ensureIndexes();
    this.abort = new AbortController();
    this.processor.start();
    if (this.options.dispatch !== false) this.loop = this.dispatchLoop(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.wake?.();
    await Promise.all([this.processor.stop(), this.loop]);
    if (this.options.dispatch !== false) await this.leases.release(DISPATCH_LEASE, this.owner).catch(() => undefined);
  }

  /** Idempotent: a page handled again inserts nothing twice. */
  private async enqueue(page: RecordedEvent[]): Promise<void> {
    const byTenant = new Map<string, WebhookEndpointDoc[]>();
    const deliveries: WebhookDeliveryDoc[] = [];
    const createdAt = new Date().toISOString();
    for (const event of page) {
      if (!byTenant.has(event.tenant)) byTenant.set(event.tenant, await this.store.list(event.tenant));
      const body = JSON.stringify(publicEvent(event));
      for (const endpoint of byTenant.get(event.tenant)!.filter((e) => subscribes(e, event.type))) {
        deliveries.push({
          _id: `${endpoint._id}.${event.eventId}`,
          endpointId: endpoint._id,
          tenant: event.tenant,
          eventId: event.eventId,
          type: event.type,
          stream: event.stream,
          position: event.position,
          body,
          state: 'pending',
          attempts: [],
          nextAttemptAt: 0,
          createdAt,
        });
      }
    }
    if (deliveries.length === 0) return;
    await this.store.deliveries.insertMany(deliveries);
    this.wake?.();
  }

  private async dispatchLoop(signal: AbortSignal): Promise<void> {
    const pollMs = this.options.pollMs ?? 250;
    while (!signal.aborted) {
      try {
        if (await this.leases.tryAcquire(DISPATCH_LEASE, this.owner, 10_000)) await this.dispatchDue();
      } catch (error) {
        this.options.onError?.(error);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        this.wake = () => (clearTimeout(timer), resolve());
      });
    }
  }

  private async dispatchDue(): Promise<void> {
    const due = await this.store.deliveries.find(
      { state: 'pending', nextAttemptAt: { $lte: Date.now() } },
      {
        sort: [
          ['nextAttemptAt', 1],
          ['position', 1],
        ],
        limit: 50,
      },
    );
    for (const delivery of due) {
      // One stream's events reach an endpoint in order: one waiting behind an earlier one is due when that one is, so
      // a stream held up by a failing endpoint leaves the due set and cannot starve the other endpoints and tenants.
      const [earlier] = await this.store.deliveries.find(
        { endpointId: delivery.endpointId, stream: delivery.stream, state: 'pending', position: { $lt: delivery.position } },
        { sort: [['position', 1]], limit: 1 },
      );
      if (earlier) {
        await this.store.deliveries.updateOne(delivery._id, { state: 'pending' }, { set: { nextAttemptAt: Math.max(earlier.nextAttemptAt, Date.now() + 1) } });
        continue;
      }
      await this.attempt(delivery);
    }
  }

  private async attempt(delivery: WebhookDeliveryDoc): Promise<void> {
    const endpoint = await this.store.get(delivery.tenant, delivery.endpointId);
    if (!endpoint) return;
    if (!endpoint.enabled) {
      // Disabled since it was queued (or redelivered while disabled): it waits for the endpoint to be enabled again.
      await this.store.deliveries.updateOne(delivery._id, { state: 'pending' }, { set: { state: 'held', nextAttemptAt: 0 } });
      return;
    }
    const at = new Date();
    let result: PostResult;
    try {
      const signature = signatureHeader(endpoint.secret, delivery.body, Math.floor(at.getTime() / 1000));
      result = await postWebhook(endpoint.url, delivery.body, { [SIGNATURE_HEADER]: signature, 'Batchyard-Event-Id': delivery.eventId }, this.options.allowPrivate);
    } catch (error) {
      result = { durationMs: Date.now() - at.getTime(), error: describeError(error).text };
    }
    const attempts = [...delivery.attempts, { at: at.toISOString(), ...result }];
    const delivered = result.statusCode !== undefined && result.statusCode >= 200 && result.statusCode < 300;
    const { firstBackoffMs = 1000, maxBackoffMs = 3_600_000, giveUpAfterMs = 3 * DAY_MS, disableAfterMs = DISABLE_AFTER_MS } = this.options;
    const nextAttemptAt = at.getTime() + Math.min(maxBackoffMs, firstBackoffMs * 2 ** (attempts.length - 1));
    const givenUp = !delivered && nextAttemptAt - Date.parse(delivery.createdAt) > giveUpAfterMs;
    await this.store.deliveries.updateOne(
      delivery._id,
      { state: 'pending' },
      { set: { attempts, state: delivered ? 'delivered' : givenUp ? 'failed' : 'pending', nextAttemptAt: delivered || givenUp ? 0 : nextAttemptAt } },
    );
    await this.store.recordOutcome(endpoint._id, delivered, at.getTime());
    // Every attempt failed for `disableAfterMs`: the endpoint is disabled, and receives nothing until it is enabled again.
    if (!delivered && endpoint.failingSince !== undefined && at.getTime() - endpoint.failingSince >= disableAfterMs) {
      const last = result.statusCode !== undefined ? `HTTP ${result.statusCode}` : (result.error ?? 'no answer');
      const reason = `every delivery failed for ${duration(disableAfterMs)} (since ${new Date(endpoint.failingSince).toISOString()}; last: ${last})`;
      await this.store.disable(endpoint._id, reason, at);
    }
  }
}
