import { PublicEvents } from '@batchyard/contracts';
import type { Doc } from '@batchyard/read-store';
import { defineProjection } from '@batchyard/projections';

/** One public event of a tenant, keyed by event id; `_position` (the store's) orders the feed and is its cursor. */
export interface EventsFeedDoc extends Doc {
  tenant: string;
  type: string;
  occurredAt: string;
  data: unknown;
}

/** `GET /batchyard/v1/events`: a tenant's public events, to catch up after downtime (docs/events.md, The events feed). */
export const EventsFeedProjection = defineProjection({
  name: 'events-feed',
  version: 1,
  events: PublicEvents,
  collections: [
    {
      name: 'events_feed',
      indexes: [
        {
          name: 'by_tenant',
          fields: [
            ['tenant', 1],
            ['_position', 1],
          ],
        },
        { name: 'by_occurred', fields: [['occurredAt', 1]] },
      ],
    },
  ],
  apply(event) {
    const doc = { tenant: event.tenant, type: event.type, occurredAt: event.occurredAt, data: event.data };
    return [{ collection: 'events_feed', op: { kind: 'put', id: event.eventId, doc } }];
  },
});
