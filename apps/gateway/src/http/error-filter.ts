import { ArgumentsHost, Catch, HttpException, NotFoundException, type ExceptionFilter } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { StoreUnavailableError } from '@batchyard/read-store';
import type { Logger } from '@batchyard/runtime';
import type { AllowedMethods } from './allowed-methods';
import { ApiError } from './api-error';
import { dialectOf } from './dialect';
import { PROBLEM_JSON, errorBody } from './error-bodies';

/** Maps whatever was thrown to an ApiError: ours as is, Nest's and body-parser's by status, the rest as 500. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404) return new ApiError('NOT_FOUND', 'Not found');
    return ApiError.fromStatus(status, error.message);
  }
  const e = error as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.parse.failed') return new ApiError('BAD_REQUEST', 'Malformed JSON in request body');
  if (e?.type === 'entity.too.large') return new ApiError('PAYLOAD_TOO_LARGE', 'Request body is too large');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported request body encoding');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return ApiError.fromStatus(e.status, e.message ?? 'Bad request');
  // The read store did not answer: nothing was changed by this request's read, and the same request may pass soon.
  if (error instanceof StoreUnavailableError) return ApiError.unavailable('The read store did not answer; retry shortly', 1);
  // A read store's InvalidNameError or InvalidQueryError ends here too, on purpose: every name a client gives is
  // checked where it enters (docs/operations.md, Input limits), so one that reaches the store is the gateway's bug.
  return new ApiError('INTERNAL_SERVER_ERROR', 'Internal server error');
}

export function sendError(req: Request, res: Response, error: ApiError): void {
  if (res.headersSent) return;
  if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  if (error.allow) res.setHeader('Allow', error.allow.join(', '));
  const dialect = dialectOf(req.path);
  res
    .status(error.status)
    .type(dialect === 'batchyard' ? PROBLEM_JSON : 'application/json')
    .send(JSON.stringify(errorBody(dialect, error, req.path)));
}

/**
 * Every error of every route, in the dialect's own shape. A request no route took reaches here as Nest's
 * NotFoundException (routes throw ApiError): when routes declare the path with other methods it is a 405 with
 * `Allow` instead, whatever the dialect; a path no route declares stays 404.
 */
@Catch()
export class DialectErrorFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly allowedMethods?: AllowedMethods,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const allow = exception instanceof NotFoundException ? this.allowedMethods?.of(req.path) : undefined;
    const error = allow ? ApiError.methodNotAllowed(req.method, req.path, allow) : toApiError(exception);
    if (error.status >= 500) this.logger.error({ err: exception }, 'request failed');
    sendError(req, http.getResponse<Response>(), error);
  }
}

/** The same for errors raised by Express middleware (body parsing) before Nest routes the request. */
export function expressErrorHandler(logger: Logger) {
  return (exception: unknown, req: Request, res: Response, _next: NextFunction) => {
    const error = toApiError(exception);
    if (error.status >= 500) logger.error({ err: exception }, 'request failed');
    sendError(req, res, error);
  };
}
