import type { ApiError } from './api-error';
import type { Dialect } from './dialect';

const EVRYTHNG_MORE_INFO = 'https://developers.evrythng.com/docs/http-verbs-and-error-codes';

/** The first problem as one sentence: EVRYTHNG carries exactly one message. */
function oneMessage(error: ApiError): string {
  const issue = error.issues[0];
  if (!issue) return error.message;
  return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

/** The error body each dialect's clients parse (see spec/seed-apis.md A.11, B.6, C.7). */
export function errorBody(dialect: Dialect, error: ApiError, endpoint: string): Record<string, unknown> {
  switch (dialect) {
    case 'evrythng':
      // No `message` field: the SDK would use it as the whole error text and hide `status`.
      return { status: error.status, errors: [oneMessage(error)], code: error.code, moreInfo: EVRYTHNG_MORE_INFO };
    case 'packagex':
      return {
        message: error.issues.length ? oneMessage(error) : error.message,
        data: null,
        status: error.status,
        errors: error.issues.map((i) => ({ field: i.path.join('.'), code: i.code, message: i.message })),
        code: error.code.toLowerCase(),
        pagination: null,
        endpoint,
      };
    case 'tofupilot':
      return { message: error.message, code: error.code, issues: error.issues };
  }
}
