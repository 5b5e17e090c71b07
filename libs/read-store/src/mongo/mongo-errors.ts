import { DuplicateKeyError } from '../port';

interface ServerError {
  code?: number;
  errmsg?: string;
  message?: string;
}

export const isDuplicateKey = (error: unknown): error is ServerError => (error as ServerError | undefined)?.code === 11000;

/** The index an E11000 names (`index: <name> dup key`, as MongoDB and mongo-java-server word it); `_id` for the key. */
export function duplicateKeyError(collection: string, error: ServerError): DuplicateKeyError {
  const index = /index: (\S+) dup key/.exec(error.errmsg ?? error.message ?? '')?.[1];
  return new DuplicateKeyError(collection, !index || index === '_id_' ? '_id' : index);
}

/** The write errors of a failed bulk operation, or undefined when it failed as a whole. */
export function writeErrors(error: unknown): (ServerError & { index: number })[] | undefined {
  const errors = (error as { writeErrors?: unknown } | undefined)?.writeErrors;
  if (errors === undefined) return undefined;
  return [errors].flat() as (ServerError & { index: number })[];
}
