import { z } from 'zod';
import { ApiError } from '../http/api-error';
import { parseInput } from '../http/zod-issues';

/** `?withScopes=`, as the OpenAPI document describes it. */
export const WithScopesQuery = z.object({ withScopes: z.enum(['true', 'false'], { error: 'withScopes must be true or false' }).optional() });
const ScopesQuerySchema = WithScopesQuery.extend({ project: z.unknown().optional() });

/**
 * EVRYTHNG answers a resource's `scopes` only under `?withScopes=true`, then always with both lists (the SDK's
 * `rescope()` reads them so, and sets `scopes.projects`). `?project=` would scope the request to a project, which
 * Batchyard does not model (a batch's scopes are kept and answered, not enforced): refused, rather than ignored.
 */
export function withScopes(query: unknown): boolean {
  const q = parseInput(ScopesQuerySchema, query ?? {});
  if (q.project !== undefined) throw new ApiError('BAD_REQUEST', 'project is not supported: Batchyard keeps a batch’s scopes.projects but does not scope requests to a project');
  return q.withScopes === 'true';
}
