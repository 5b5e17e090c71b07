import type { CommandOutcome, DomainErrorCode } from '@batchyard/contracts';
import { ApiError, type ErrorCode } from '../http/api-error';

const LIMITED_RETRY_AFTER_SECONDS = 5;

const byDomainCode: Record<DomainErrorCode, ErrorCode> = {
  invalid: 'BAD_REQUEST',
  not_found: 'NOT_FOUND',
  conflict: 'CONFLICT',
  forbidden: 'FORBIDDEN',
  limited: 'TOO_MANY_REQUESTS',
  too_large: 'PAYLOAD_TOO_LARGE',
};

/** An accepted outcome's position, or the rejection as the ApiError each dialect renders. */
export function acceptedPosition(outcome: CommandOutcome): number {
  if (outcome.status === 'accepted') return outcome.position;
  const { code, message, field } = outcome.error;
  // A limited place frees when running work ends, which none can say when: a guess.
  if (code === 'limited') throw ApiError.tooManyRequests(message, LIMITED_RETRY_AFTER_SECONDS);
  throw new ApiError(byDomainCode[code], message, field ? [{ code, path: field.split('.'), message }] : []);
}
