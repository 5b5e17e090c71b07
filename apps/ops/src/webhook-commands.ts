import { Command, InvalidArgumentError } from 'commander';
import type { Infrastructure } from '@batchyard/runtime';
import { WebhookStore, type WebhookDeliveryDoc, type WebhookEndpointDoc } from '@batchyard/webhooks';
import { nonNegativeInteger } from './arguments';

const STATES: readonly WebhookDeliveryDoc['state'][] = ['pending', 'held', 'delivered', 'failed'];

const state = (value: string) => {
  if (!(STATES as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${STATES.join(', ')}`);
  return value as WebhookDeliveryDoc['state'];
};

/** What operators see of an endpoint: as the API shows it, with its tenant, never its secret. */
const endpointRow = (e: WebhookEndpointDoc) => ({
  id: e._id,
  tenant: e.tenant,
  status: e.enabled ? 'enabled' : 'disabled',
  url: e.url,
  events: e.events,
  ...(e.description !== undefined && { description: e.description }),
  ...(e.failingSince !== undefined && { failingSince: new Date(e.failingSince).toISOString() }),
  ...(e.disabledAt !== undefined && { disabledAt: e.disabledAt, disabledReason: e.disabledReason }),
  createdAt: e.createdAt,
});

const deliveryRow = (d: WebhookDeliveryDoc) => ({
  id: d._id,
  eventId: d.eventId,
  type: d.type,
  state: d.state,
  createdAt: d.createdAt,
  ...(d.state === 'pending' && d.nextAttemptAt > 0 && { nextAttemptAt: new Date(d.nextAttemptAt).toISOString() }),
  attempts: d.attempts,
});

/** The last attempt as a few words: `500 in 12 ms`, `connect ECONNREFUSED … in 3 ms`, or `not tried`. */
const lastAttempt = (d: WebhookDeliveryDoc) => {
  const last = d.attempts.at(-1);
  return last ? `${last.statusCode ?? last.error} in ${last.durationMs} ms at ${last.at}` : 'not tried';
};

/**
 * `webhooks …`: every tenant's webhook endpoints and deliveries, for operators (the tenant's own view is the API,
 * docs/events.md). Read and written in the read store's kept state, as the gateway does; a running batch service
 * sends what `redeliver` queues.
 */
export function webhookCommands(infra: Infrastructure): Command {
  const webhooks = new Command('webhooks').description('webhook endpoints and their deliveries (docs/events.md)');
  const store = async () => new WebhookStore(await infra.readStore());
  const endpoint = async (webhooks: WebhookStore, id: string) => {
    const found = await webhooks.endpoints.get(id);
    if (!found) throw new Error(`no webhook endpoint ${id}`);
    return found;
  };

  webhooks
    .command('list')
    .description("endpoints, each tenant's oldest first, without secrets: status (disabled: since when and why), url, events")
    .option('--tenant <id>', "only this tenant's")
    .option('--json', 'one JSON object per line')
    .action(async (opts: { tenant?: string; json?: boolean }) => {
      const found = await (
        await store()
      ).endpoints.find(opts.tenant ? { tenant: opts.tenant } : {}, {
        sort: [
          ['tenant', 1],
          ['createdAt', 1],
        ],
      });
      const rows = found.map(endpointRow);
      if (opts.json) return rows.forEach((r) => console.log(JSON.stringify(r)));
      for (const r of rows) {
        const why = r.disabledAt ? `disabled since ${r.disabledAt}: ${r.disabledReason}` : r.failingSince ? `failing since ${r.failingSince}` : '';
        console.log([r.id, `tenant=${r.tenant}`, r.status, r.url, r.events.join(','), why].filter(Boolean).join('\t'));
      }
      if (!rows.length) console.log('no webhook endpoints');
    });

  webhooks
    .command('deliveries <endpointId>')
    .description("an endpoint's deliveries, newest first, with their last attempt (--json: every attempt)")
    .option('--state <state>', `only those ${STATES.join(' | ')}`, state)
    .option('--limit <n>', 'at most this many', nonNegativeInteger, 100)
    .option('--json', 'one JSON object per line')
    .action(async (endpointId: string, opts: { state?: WebhookDeliveryDoc['state']; limit: number; json?: boolean }) => {
      const webhooks = await store();
      const { tenant } = await endpoint(webhooks, endpointId);
      const found = await webhooks.deliveries.find({ endpointId, tenant, ...(opts.state && { state: opts.state }) }, { sort: [['position', -1]], limit: opts.limit });
      if (opts.json) return found.forEach((d) => console.log(JSON.stringify(deliveryRow(d))));
      for (const d of found) console.log([d._id, d.type, `event=${d.eventId}`, d.state, `attempts=${d.attempts.length}`, lastAttempt(d)].join('\t'));
      if (!found.length) console.log('no deliveries');
    });

  webhooks
    .command('redeliver <endpointId> [deliveryIds...]')
    .description('send deliveries again, with the same event id and body: at once if they wait or were given up, once more if delivered')
    .option('--failed', 'every delivery of the endpoint that was given up')
    .action(async (endpointId: string, ids: string[], opts: { failed?: boolean }) => {
      if (Boolean(ids.length) === Boolean(opts.failed)) throw new Error('give delivery ids or --failed');
      const webhooks = await store();
      const target = await endpoint(webhooks, endpointId);
      const chosen = opts.failed
        ? await webhooks.deliveries.find({ endpointId, tenant: target.tenant, state: 'failed' }, { sort: [['position', 1]] })
        : await webhooks.deliveries.getMany(ids);
      // Every id checked before any is queued: a typo sends nothing.
      const missing = ids.filter((id) => !chosen.some((d) => d._id === id && d.endpointId === endpointId && d.tenant === target.tenant));
      if (missing.length) throw new Error(`no delivery ${missing.join(', ')} of endpoint ${endpointId}`);
      let queued = 0;
      for (const d of chosen) if (await webhooks.redeliver(target.tenant, endpointId, d._id)) queued++;
      console.log(`${queued} delivery(ies) queued again`);
      if (!target.enabled) console.log(`endpoint ${endpointId} is disabled: they are held until it is enabled again (webhooks enable ${endpointId})`);
    });

  webhooks
    .command('enable <endpointId>')
    .description('enable a disabled endpoint again (as PATCH {enabled: true}): its held deliveries are sent')
    .action(async (endpointId: string) => {
      const webhooks = await store();
      const { tenant } = await endpoint(webhooks, endpointId);
      await webhooks.update(tenant, endpointId, { enabled: true });
      console.log(`endpoint ${endpointId} enabled`);
    });
  return webhooks;
}
