import express from 'express';
import { BulkLimits } from '@batchyard/bulk-jobs';
import { MAX_JSON_DEPTH, jsonShapeProblem, type JsonShapeLimits } from '@batchyard/client-input';
import { ApiError } from './api-error';

/** A class of routes' JSON bodies: their bytes (413 above, as body-parser's `limit`), depth and keys (400 beyond). */
export interface JsonBodyClass extends JsonShapeLimits {
  bytes: string;
}

/**
 * Every route but `/v1/batches`. The most keys a real body holds are a LIST_BASED task's `inputData`: 1 MiB holds at
 * most 65,536 `{"shortId":"…"}`, so 100,000 binds only bodies made of keys.
 */
export const GENERAL_BODIES: JsonBodyClass = { bytes: '1mb', maxDepth: MAX_JSON_DEPTH, maxKeys: 100_000 };

/** `/v1/batches` (a file of up to about 7.5 MB as base64, or up to 100,000 rows in `data`) and its JSON uploads. */
export const BULK_JOB_BODIES: JsonBodyClass = { bytes: '12mb', ...BulkLimits.json };

const JSON_TYPES = ['application/json', 'application/*+json'];

/** Requests whose body one of these parsers has taken: a later, more general one leaves them alone. */
const taken = new WeakSet<express.Request>();

/** Parses a JSON body of the class and refuses one nested too deep, with too many keys, or a key no store may hold. */
export function jsonBody(bodies: JsonBodyClass): express.RequestHandler {
  const parse = express.json({ limit: bodies.bytes, type: JSON_TYPES });
  return (req, res, next) => {
    if (taken.has(req)) return next();
    taken.add(req);
    parse(req, res, (error?: unknown) => next(error ?? shapeError(req.body, bodies)));
  };
}

function shapeError(body: unknown, limits: JsonShapeLimits): ApiError | undefined {
  const problem = body === undefined ? undefined : jsonShapeProblem(body, limits);
  return problem && ApiError.validation([{ code: problem.code, path: problem.path, message: problem.message }]);
}
