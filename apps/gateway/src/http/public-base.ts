import type { Request } from 'express';
import type { Infrastructure } from '@batchyard/runtime';

/** The absolute base of URLs we hand out: BATCHYARD_PUBLIC_URL, else the request's own scheme and host. */
export function publicBase(infra: Infrastructure, req: Request): string {
  return infra.config.publicUrl ?? `${req.protocol}://${req.get('host')}`;
}
