import { z } from 'zod';
import { PublicEventTypes } from '@batchyard/contracts';
import { isPrivateHost } from '@batchyard/webhooks';

/** An http(s) URL without credentials; a loopback or private host is refused unless the installation allows it. */
const webhookUrl = (allowPrivate: boolean) =>
  z
    .string()
    .max(2048)
    .refine((value) => URL.canParse(value), 'Must be an absolute URL')
    .refine((value) => !URL.canParse(value) || ['http:', 'https:'].includes(new URL(value).protocol), 'Must be an http or https URL')
    .refine((value) => !URL.canParse(value) || (!new URL(value).username && !new URL(value).password), 'Must not carry credentials')
    .refine((value) => allowPrivate || !URL.canParse(value) || !isPrivateHost(new URL(value).hostname), 'Must not be a loopback or private address');

/** `["*"]` alone, or 1..50 distinct public event types. */
const eventTypes = z.union(
  [
    z.tuple([z.literal('*')]),
    z
      .array(z.enum(PublicEventTypes as [string, ...string[]]))
      .min(1)
      .max(50)
      .refine((types) => new Set(types).size === types.length, 'Event types must be distinct'),
  ],
  { error: 'Must be ["*"] alone, or 1 to 50 distinct public event types (docs/events.md, Public events)' },
);

export const webhookCreateSchema = (allowPrivate: boolean) => z.strictObject({ url: webhookUrl(allowPrivate), events: eventTypes, description: z.string().max(256).optional() });

export const webhookUpdateSchema = (allowPrivate: boolean) =>
  z
    .strictObject({ url: webhookUrl(allowPrivate), events: eventTypes, description: z.string().max(256), enabled: z.boolean() })
    .partial()
    .refine((changes) => Object.keys(changes).length > 0, 'Nothing to change');

/** An endpoint or delivery id as this API makes them; anything else is a 404 without a lookup. */
export const WEBHOOK_ID = /^we_[0-9a-f-]{36}$/;

export const eventsQuerySchema = z.strictObject({
  after: z
    .string()
    .regex(/^\d{1,15}$/, 'Must be a cursor from a previous page')
    .optional(),
  types: z
    .string()
    .max(2048)
    .transform((value) => value.split(','))
    .pipe(z.array(z.enum(PublicEventTypes as [string, ...string[]])).max(50))
    .optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(500))
    .optional(),
});
