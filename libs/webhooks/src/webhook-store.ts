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
  /** When and why it was disabled (through the API, or by the dispatcher after failing too long); absent while enabled. */
  disabledAt?: string;
  disabledReason?: string;
  /** The first failed attempt since the last delivered one (epoch ms); absent while deliveries succeed. */
  failingSince?: number;
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
  /** `held`: its endpoint is disabled; it is sent (as `pending`) once the endpoint is enabled again. */
  state: 'pending' | 'held' | 'delivered' | 'failed';
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

  /**
   * Changes an endpoint. `enabled: false` disables it (its pending deliveries are held); `enabled: true` enables it
   * again: it forgets why it was disabled and how long it failed, and its held deliveries are sent.
   */
  async update(tenant: string, id: string, changes: Partial<EndpointFields> & { enabled?: boolean }, now = new Date()): Promise<WebhookEndpointDoc | undefined> {
    const before = await this.get(tenant, id);
    if (!before) return undefined;
    const set: Record<string, unknown> = { ...changes, updatedAt: now.toISOString() };
    const unset: string[] = [];
    if (changes.enabled === false && before.enabled) Object.assign(set, { disabledAt: now.toISOString(), disabledReason: 'disabled through the API' });
    if (changes.enabled === true) unset.push('disabledAt', 'disabledReason', 'failingSince');
    if (!(await this.endpoints.updateOne(id, { tenant }, { set, unset }))) return undefined;
    if (changes.enabled === false) await this.moveDeliveries(id, 'pending', { state: 'held', nextAttemptAt: 0 });
    if (changes.enabled === true) await this.moveDeliveries(id, 'held', { state: 'pending', nextAttemptAt: now.getTime() });
    return this.get(tenant, id);
  }

  /**
   * The dispatcher's: disables an endpoint that is still enabled and holds its pending deliveries; false when it was
   * disabled (or removed) meanwhile.
   */
  async disable(endpointId: string, reason: string, now = new Date()): Promise<boolean> {
    const at = now.toISOString();
    const disabled = await this.endpoints.updateOne(endpointId, { enabled: true }, { set: { enabled: false, disabledAt: at, disabledReason: reason, updatedAt: at } });
    if (disabled) await this.moveDeliveries(endpointId, 'pending', { state: 'held', nextAttemptAt: 0 });
    return disabled;
  }

  /** Records an attempt's outcome on its endpoint: the first failure since a delivered one, or none after a delivered one. */
  async recordOutcome(endpointId: string, delivered: boolean, at: number): Promise<void> {
    if (delivered) await this.endpoints.updateOne(endpointId, { failingSince: { $exists: true } }, { unset: ['failingSince'] });
    else await this.endpoints.updateOne(endpointId, { failingSince: { $exists: false } }, { set: { failingSince: at } });
  }

  /** Moves an endpoint's deliveries from one state to another, a page at a time (nothing else changes these states). */
  private async moveDeliveries(endpointId: string, from: WebhookDeliveryDoc['state'], set: Partial<WebhookDeliveryDoc>): Promise<void> {
    for (;;) {
      const page = await this.deliveries.find({ endpointId, state: from }, { sort: [['position', 1]], limit: 500 });
      for (const delivery of page) await this.deliveries.updateOne(delivery._id, { state: from }, { set });
      if (page.length < 500) return;
    }
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

  /**
   * Sends a delivery again soon (with the same body and event id), whatever its state (held while its endpoint is
   * disabled); false when it is not the endpoint's.
   */
  redeliver(tenant: string, endpointId: string, deliveryId: string): Promise<boolean> {
    return this.deliveries.updateOne(deliveryId, { tenant, endpointId }, { set: { state: 'pending', nextAttemptAt: Date.now() } });
  }

  /** Newest first. */
  deliveriesOf(tenant: string, endpointId: string, limit: number): Promise<WebhookDeliveryDoc[]> {
    return this.deliveries.find({ endpointId, tenant }, { sort: [['position', -1]], limit });
  }
}
