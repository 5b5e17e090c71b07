import { z } from 'zod';
import { EVRYTHNG_ID_PATTERN, REDIRECTION_SHORT_ID_PATTERN } from '@batchyard/contracts';
import type { Redirection } from './redirection-reads';

/** A redirection's target: an absolute http(s) URL, in which `{shortId}` and `{evrythngId}` are replaced. */
const TargetUrl = z
  .string()
  .max(2048)
  // A pattern rather than a check in code, so the OpenAPI document says exactly what is taken.
  .regex(/^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,4})?([/?#]\S*)?$/, 'defaultRedirectUrl must be an absolute http or https URL');
const ThngId = z.string().regex(EVRYTHNG_ID_PATTERN, 'evrythngId must be a 24-character Thng id');
const ShortId = z.string().regex(REDIRECTION_SHORT_ID_PATTERN, 'shortId must be 1 to 64 letters, digits, - or _');
const ShortDomain = z.string().min(1).max(253);

/**
 * POST /redirections, as the SDK's `thng.redirection().create({defaultRedirectUrl})` sends it (it adds
 * `evrythngId` and `type`). Without `shortId`, one is drawn: 8 characters of EVRYTHNG's alphabet.
 */
export const RedirectionCreateSchema = z.strictObject({
  defaultRedirectUrl: TargetUrl,
  shortId: ShortId.optional(),
  shortDomain: ShortDomain.optional(),
  evrythngId: ThngId.optional(),
  type: z.string().max(64).optional(),
});

/**
 * PUT /redirections/:shortId: a new target (or Thng; `evrythngId: null` unbinds it). The read-only fields of the
 * document (as `entity.update()` sends it back) are accepted and ignored; a `shortId` or `shortDomain` other than
 * the redirection's is refused, as a short ID is what the labels print.
 */
export const RedirectionUpdateSchema = z.strictObject({
  defaultRedirectUrl: TargetUrl.optional(),
  evrythngId: ThngId.nullable().optional(),
  type: z.string().max(64).optional(),
  shortId: ShortId.optional(),
  shortDomain: ShortDomain.optional(),
  id: z.string().optional(),
  hits: z.number().optional(),
  createdAt: z.number().optional(),
  updatedAt: z.number().optional(),
  createdByTask: z.string().optional(),
});

/** `?shortDomain=` on the routes of one redirection, when the request's host is not the short domain itself. */
export const RedirectionQuerySchema = z.object({ shortDomain: ShortDomain.optional(), evrythngId: ThngId.optional() });

/** The document of a redirection (EVRYTHNG short-domain API), the same for `/thngs/:id/redirector`. */
export function redirectionDocument(r: Redirection, hits: number) {
  return {
    id: r.redirectionId,
    shortId: r.shortId,
    shortDomain: r.shortDomain,
    defaultRedirectUrl: r.url,
    ...(r.thngId && { evrythngId: r.thngId, type: 'thng' }),
    ...(r.taskId && { createdByTask: r.taskId }),
    hits,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export const redirectionSchema = {
  type: 'object',
  required: ['id', 'shortId', 'shortDomain', 'defaultRedirectUrl', 'hits', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string', description: 'derived from the short domain and short ID' },
    shortId: { type: 'string' },
    shortDomain: { type: 'string' },
    defaultRedirectUrl: { type: 'string', description: '`{shortId}` and `{evrythngId}` are replaced when redirecting' },
    evrythngId: { type: 'string', description: 'the bound Thng, if any' },
    type: { const: 'thng' },
    createdByTask: { type: 'string', description: 'the task that generated it' },
    hits: { type: 'integer', minimum: 0, description: 'visits of the short URL; up to a second behind' },
    createdAt: { type: 'integer' },
    updatedAt: { type: 'integer' },
  },
};
