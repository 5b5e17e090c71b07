import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { Observable, catchError, from, mergeMap, of, throwError } from 'rxjs';
import { sha256Hex, uuidFrom } from '@batchyard/contracts';
import type { ReadStore } from '@batchyard/read-store';
import type { AuthenticatedRequest } from '../auth/caller';
import { ApiError, type ErrorCode, type ErrorIssue } from '../http/api-error';
import { toApiError } from '../http/error-filter';
import { READ_STORE } from '../tokens';
import { IdempotencyStore, type StoredAnswer } from './idempotency-store';

export type IdempotentRequest = AuthenticatedRequest & { commandId?: string };

const MAX_KEY_LENGTH = 255;

/**
 * `Idempotency-Key` on any POST: the same key and body answer the first answer again (with
 * `Idempotent-Replayed: true`); another body is 422; a key still in flight is 409. The key also fixes
 * the command id, so even a lost answer cannot make a second command.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly store: IdempotencyStore;

  constructor(@Inject(READ_STORE) readStore: ReadStore) {
    this.store = new IdempotencyStore(readStore);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<IdempotentRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    const key = req.header('idempotency-key');
    if (req.method !== 'POST' || key === undefined || !req.caller) return next.handle();
    if (!key.trim() || key.length > MAX_KEY_LENGTH) return throwError(() => new ApiError('BAD_REQUEST', `Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} characters`));
    const id = sha256Hex(`${req.caller.tenant}\n${key}`);
    const requestHash = sha256Hex(`${req.method} ${req.originalUrl}\n${JSON.stringify(req.body ?? null)}`);
    return from(this.store.claim(id, requestHash)).pipe(
      mergeMap((claim) => {
        switch (claim.kind) {
          case 'mismatch':
            return throwError(() => new ApiError('UNPROCESSABLE_CONTENT', 'Idempotency-Key was used with a different request'));
          case 'in_flight':
            return throwError(() => new ApiError('CONFLICT', 'A request with this Idempotency-Key is still in progress'));
          case 'replay':
            return replay(res, claim.answer);
          case 'new':
            req.commandId = uuidFrom(`idempotency:${id}`);
            return next.handle().pipe(
              mergeMap((body) => from(this.store.complete(id, answerOf(res, body))).pipe(mergeMap(() => of(body)))),
              catchError((error) => from(this.settleError(id, error)).pipe(mergeMap(() => throwError(() => error)))),
            );
        }
      }),
    );
  }

  /** A client error is the answer and is kept; a server error is ours, so the retry may run again. */
  private async settleError(id: string, error: unknown): Promise<void> {
    const apiError = toApiError(error);
    if (apiError.status >= 500) return this.store.release(id);
    return this.store.complete(id, {
      status: apiError.status,
      error: { code: apiError.code, message: apiError.message, issues: apiError.issues },
    });
  }
}

function answerOf(res: Response, body: unknown): StoredAnswer {
  const location = res.getHeader('location');
  return { status: res.statusCode, body, ...(typeof location === 'string' ? { location } : {}) };
}

function replay(res: Response, answer: StoredAnswer): Observable<unknown> {
  res.setHeader('Idempotent-Replayed', 'true');
  if (answer.error) {
    const { code, message, issues } = answer.error;
    return throwError(() => new ApiError(code as ErrorCode, message, issues as ErrorIssue[]));
  }
  res.status(answer.status);
  if (answer.location) res.setHeader('Location', answer.location);
  return of(answer.body);
}
