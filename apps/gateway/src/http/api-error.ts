/** tRPC-style codes: TofuPilot shows them as they are, and the other dialects map from them. */
export const ErrorCodes = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_SUPPORTED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE_CONTENT: 422,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504,
} as const;
export type ErrorCode = keyof typeof ErrorCodes;

/** One input problem, Zod-shaped, so TofuPilot can show it as an issue and the others can name the field. */
export interface ErrorIssue {
  code: string;
  path: (string | number)[];
  message: string;
}

/** Every 4xx/5xx the gateway answers starts as one of these; the error filter renders it per dialect. */
export class ApiError extends Error {
  readonly status: number;
  /** Sent as `Retry-After` (seconds) with a 429 or 503: when a retry may succeed. */
  retryAfterSeconds?: number;
  /** Sent as `Allow` with a 405: the methods the path takes. */
  allow?: readonly string[];

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: ErrorIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ErrorCodes[code];
  }

  static validation(issues: ErrorIssue[], message = 'Input validation failed'): ApiError {
    return new ApiError('BAD_REQUEST', message, issues);
  }

  static tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
    const error = new ApiError('TOO_MANY_REQUESTS', message);
    error.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
    return error;
  }

  static unavailable(message: string, retryAfterSeconds: number): ApiError {
    const error = new ApiError('SERVICE_UNAVAILABLE', message);
    error.retryAfterSeconds = retryAfterSeconds;
    return error;
  }

  /** 405: no route of `path` takes `method`; `allow` are the methods its routes declare. */
  static methodNotAllowed(method: string, path: string, allow: readonly string[]): ApiError {
    const error = new ApiError('METHOD_NOT_SUPPORTED', `${method} is not supported on ${path}; it takes ${allow.join(', ')}`);
    error.allow = allow;
    return error;
  }

  static fromStatus(status: number, message: string): ApiError {
    const code = (Object.keys(ErrorCodes) as ErrorCode[]).find((c) => ErrorCodes[c] === status);
    return new ApiError(code ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST'), message);
  }
}
