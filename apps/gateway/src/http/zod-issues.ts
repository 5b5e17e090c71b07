import type { z } from 'zod';
import { ApiError, type ErrorIssue } from './api-error';

/** Zod's issues as the gateway's: an unknown field is named in the path, like any other field. */
export function toIssues(error: z.ZodError): ErrorIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (issue.code === 'unrecognized_keys') {
      return { code: issue.code, path: [...path, issue.keys[0]], message: `Unknown field '${issue.keys[0]}'` };
    }
    return { code: issue.code, path, message: issue.message };
  });
}

/** Parses input with a schema, or throws the 400 every dialect renders in its own shape. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, message?: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ApiError.validation(toIssues(result.error), message);
  return result.data;
}
