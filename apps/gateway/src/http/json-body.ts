import type { Request } from 'express';
import { ApiError } from './api-error';

/** A write whose body is not JSON gets 415 (the JSON parser leaves other media types unread). */
export function requireJsonBody(req: Request): void {
  const hasBody = Number(req.header('content-length') ?? 0) > 0 || req.header('transfer-encoding') !== undefined;
  if (hasBody && !req.is(['application/json', 'application/*+json'])) {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `Content-Type must be application/json, not ${req.header('content-type') ?? 'none'}`);
  }
}
