import { randomBytes, randomUUID } from 'node:crypto';
import type { Collection, Doc, KeptStateStore } from '@batchyard/read-store';

/**
 * A tenant's endpoint. Kept state, not an event-sourced aggregate: its signing secret must never reach the event
 * store or the topics the relay publishes it to, and nothing derives from it (docs/events.md, Webhooks).
 */
export interface WebhookEndpointDoc extends Doc {
  tenant: string;
  url: string;
  /** Public event types, or `['*']`. */
  events: string[];
  description?: string;
  secret: string;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface DeliveryAttempt {
  at: string;
  /** The receiver's status code; absent when no answer came (refused, timed out, blocked target). */
  statusCode?: number;
  durationMs: number;
  error?: string;
}

/** One event for one endpoint, kept until delivered or given up: a crash between attempts loses nothing. */
export interface WebhookDeliveryDoc extends Doc {
  endpointId: string;
  tenant: string;
  eventId: string;
  type: string;
  stream: string;
  /** The event's store position: deliveries of one stream go out in this order. */
  position: number;
  /** The exact body sent every attempt, so a redelivery is the same event with the same id. */
  body: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: DeliveryAttempt[];
  nextAttemptAt: number;
  createdAt: string;
}

export type EndpointFields = Pick<WebhookEndpointDoc, 'url' | 'events'> & { description?: string };

const newSecret = () => `whsec_${randomBytes(24).toString('hex')}`;

/** Endpoints and deliveries in the kept state, always read and written within one tenant. */
export class WebhookStore {
  constructor(private readonly store: KeptStateStore) {}

  get endpoints(): Collection<WebhookEndpointDoc> {
    return this.store.kept<WebhookEndpointDoc>('_webhook_endpoints');
  }

  get deliveries(): Collection<WebhookDeliveryDoc> {
    return this.store.kept<WebhookDeliveryDoc>('_webhook_deliveries');
  }

  async ensureIndexes(): Promise<void> {
    await this.endpoints.ensureIndexes([{ name: 'tenant', fields: [['tenant', 1]] }]);
    await this.deliveries.ensureIndexes([
      {
        name: 'due',
        fields: [
          ['state', 1],
          ['nextAttemptAt', 1],
        ],
      },
      {
        name: 'endpoint',
        fields: [
          ['endpointId', 1],
          ['position', -1],
        ],
      },
    ]);
  }

  count(tenant: string): Promise<number> {
    return this.endpoints.count({ tenant });
  }

  async create(tenant: string, fields: EndpointFields, now = new Date()): Promise<WebhookEndpointDoc> {
    const at = now.toISOString();
    const doc: WebhookEndpointDoc = { _id: `we_${randomUUID()}`, tenant, ...fields, secret: newSecret(), enabled: true, createdAt: at, updatedAt: at };
    await this.endpoints.insert(doc);
    return doc;
  }

  async get(tenant: string, id: string): Promise<WebhookEndpointDoc | undefined> {
    const doc = await this.endpoints.get(id);
    return doc?.tenant === tenant ? doc : undefined;
  }

  list(tenant: string): Promise<WebhookEndpointDoc[]> {
    return this.endpoints.find({ tenant }, { sort: [['createdAt', 1]] });
  }

  async update(tenant: string, id: string, changes: Partial<EndpointFields> & { enabled?: boolean }): Promise<WebhookEndpointDoc | undefined> {
    const set = { ...changes, updatedAt: new Date().toISOString() };
    return (await this.endpoints.updateOne(id, { tenant }, { set })) ? this.get(tenant, id) : undefined;
  }

  async rotateSecret(tenant: string, id: string): Promise<WebhookEndpointDoc | undefined> {
    return (await this.endpoints.updateOne(id, { tenant }, { set: { secret: newSecret(), updatedAt: new Date().toISOString() } })) ? this.get(tenant, id) : undefined;
  }

  /** Removes the endpoint and its deliveries (pending ones too: nobody is there to receive them). */
  async remove(tenant: string, id: string): Promise<boolean> {
    const removed = (await this.endpoints.deleteMany({ _id: id, tenant })) > 0;
    if (removed) await this.deliveries.deleteMany({ endpointId: id, tenant });
    return removed;
  }

  /** Sends a delivery again soon (with the same body and event id), whatever its state; false when it is not the endpoint's. */
  redeliver(tenant: string, endpointId: string, deliveryId: string): Promise<boolean> {
    return this.deliveries.updateOne(deliveryId, { tenant, endpointId }, { set: { state: 'pending', nextAttemptAt: Date.now() } });
  }

  /** Newest first. */
  deliveriesOf(tenant: string, endpointId: string, limit: number): Promise<WebhookDeliveryDoc[]> {
    return this.deliveries.find({ endpointId, tenant }, { sort: [['position', -1]], limit });
  }
}
