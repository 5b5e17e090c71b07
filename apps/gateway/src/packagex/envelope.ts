import type { Request } from 'express';
import type { Infrastructure } from '@batchyard/runtime';
import { z } from 'zod';
import { parseInput } from '../http/zod-issues';

export interface Pagination {
  limit: number;
  page: number;
  has_more: boolean;
  total_count: number;
}

/** PackageX's success envelope (Seed B.6); errors share it through the error filter (http/error-bodies.ts). */
export function envelope(req: Request, status: number, message: string, data: unknown, pagination: Pagination | null = null) {
  return { message, data, status, errors: [], code: 'ok', pagination, endpoint: req.path };
}

const MAX_LIMIT = 100;
/** The last page whose offset is still an exact integer: beyond it the read store could not skip to it. */
const MAX_PAGE = Math.floor(Number.MAX_SAFE_INTEGER / MAX_LIMIT);

/** `page` (1-based, default 1) and `limit` (default per list, at most 100) as PackageX sends them. */
export const PageQuerySchema = (defaultLimit: number) =>
  z.object({
    page: z.coerce.number().int().min(1).max(MAX_PAGE).default(1),
    limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(defaultLimit),
  });

export function pageQuery(query: Record<string, unknown>, defaultLimit: number) {
  return parseInput(PageQuerySchema(defaultLimit), { page: query.page, limit: query.limit });
}

export function pagination(page: number, limit: number, total: number): Pagination {
  return { limit, page, has_more: page * limit < total, total_count: total };
}

/** The absolute base of URLs we issue: BATCHYARD_PUBLIC_URL, else the request's own scheme and host. */
export const publicBase = (req: Request, infra: Infrastructure) => infra.config.publicUrl ?? `${req.protocol}://${req.get('host')}`;
