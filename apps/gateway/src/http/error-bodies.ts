import type { ApiError } from './api-error';
import type { Dialect } from './dialect';
import { STATUS_CODES } from 'node:http';

const EVRYTHNG_MORE_INFO = 'https://developers.evrythng.com/docs/http-verbs-and-error-codes';

/** The first problem as one sentence: EVRYTHNG carries exactly one message. */
function oneMessage(error: ApiError): string {
  const issue = error.issues[0];
  if (!issue) return error.message;
  return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

/** Batchyard's own API answers errors as RFC 9457 problem details, with this media type. */
export const PROBLEM_JSON = 'application/problem+json';

/** JSON Pointer (RFC 6901) of a field path: `/events/0`. */
const pointer = (path: (string | number)[]) => path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/**
 * RFC 9457 problem details (../shared/design/decisions.md, Batchyard's own API): `type` is `about:blank`, so `title`
 * is the status's phrase; `detail` says what went wrong; `code` (an extension) is the gateway's code
 * (`BAD_REQUEST`, `NOT_FOUND`, …); `errors` (an extension, as in RFC 9457's own
 * example) names each field of an input problem, and is empty for other problems.
 */
export function problemDetails(error: ApiError, instance: string): Record<string, unknown> {
  return {
    type: 'about:blank',
    title: STATUS_CODES[error.status] ?? 'Error',
    status: error.status,
    detail: error.issues.length ? oneMessage(error) : error.message,
    instance,
    code: error.code,
    errors: error.issues.map((i) => ({ field: i.path.join('.'), pointer: pointer(i.path), code: i.code, detail: i.message })),
  };
}

/** The error body each dialect's clients parse (see spec/seed-apis.md A.11, B.6, C.7; Batchyard's own: RFC 9457). */
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
    case 'batchyard':
      return problemDetails(error, endpoint);
  }
}
