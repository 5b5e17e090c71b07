import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { StreamCategory } from '../streams';

/** A redirection's short ID: what a short URL's path holds (Batchyard's own are 8 characters of EVRYTHNG's alphabet). */
export const REDIRECTION_SHORT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The fields of one redirection (EVRYTHNG short-domain API): `https://<shortDomain>/<shortId>` answers 307 to
 * `url`, in which `{shortId}` and `{evrythngId}` (the bound Thng's id) are replaced.
 */
export const RedirectionFieldsSchema = z.object({
  redirectionId: z.string(),
  shortDomain: z.string().min(1).max(253),
  shortId: z.string().regex(REDIRECTION_SHORT_ID_PATTERN),
  url: z.string().min(1).max(2048),
  thngId: z.string().optional(),
  /** The task that made it, for a redirection a POPULATING task generated and the API then changed. */
  taskId: z.string().optional(),
});

export const RedirectionCreated = defineEvent({
  type: 'RedirectionCreated',
  version: 1,
  category: StreamCategory.redirection,
  description: 'A redirection (short ID on a short domain to a URL, optionally bound to a Thng) was created through the EVRYTHNG redirections API.',
  schema: RedirectionFieldsSchema.extend({ createdBy: z.object({ keyId: z.string(), name: z.string(), role: z.string() }) }),
});

export const RedirectionUpdated = defineEvent({
  type: 'RedirectionUpdated',
  version: 1,
  category: StreamCategory.redirection,
  description:
    'A redirection got a new target URL or Thng (the labels keep their short ID). Carries the whole redirection, also for one a task generated (`taskId`), whose first state is in the task’s ItemsGenerated event.',
  schema: RedirectionFieldsSchema,
});

export const RedirectionDeleted = defineEvent({
  type: 'RedirectionDeleted',
  version: 1,
  category: StreamCategory.redirection,
  description: 'A redirection was deleted: its short URL answers 404. Its short ID stays with the tenant, which may create it again.',
  schema: z.object({ redirectionId: z.string(), shortDomain: z.string(), shortId: z.string(), taskId: z.string().optional() }),
});
