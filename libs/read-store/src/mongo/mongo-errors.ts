import {
  MongoBulkWriteError,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { DuplicateKeyError, StoreUnavailableError } from '../port';

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

/**
 * The write errors of a failed bulk operation, or undefined when it failed as a whole. The driver wraps a lost
 * connection into a `MongoBulkWriteError` too, with no write errors: that is a failure as a whole, not a success.
 */
export function writeErrors(error: unknown): (ServerError & { index: number })[] | undefined {
  const errors = (error as { writeErrors?: unknown } | undefined)?.writeErrors;
  if (errors === undefined) return undefined;
  const list = [errors].flat() as (ServerError & { index: number })[];
  return list.length ? list : undefined;
}

/** Codes of a server that cannot serve now (stepping down, shutting down, unreachable): the driver's retryable set. */
const UNAVAILABLE_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436, 134]);
const UNAVAILABLE_LABELS = ['RetryableWriteError', 'ResetPool', 'PoolRequestedRetry', 'RetryableError', 'SystemOverloadedError', 'TransientTransactionError'];

/** Whether the driver says the server could not be reached or could not serve, as opposed to refusing the operation. */
export function isUnavailable(error: unknown): boolean {
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoOperationTimeoutError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError
  )
    return true;
  if (error instanceof MongoBulkWriteError && writeErrors(error) === undefined && !error.err) {
    // A batch the driver could not get answered: the wrapped cause's class is lost, its own fields (code, labels) are kept.
    return error.code === undefined || UNAVAILABLE_CODES.has(Number(error.code)) || UNAVAILABLE_LABELS.some((label) => error.hasErrorLabel(label));
  }
  if (!(error instanceof MongoError)) return false;
  return UNAVAILABLE_LABELS.some((label) => error.hasErrorLabel(label)) || UNAVAILABLE_CODES.has(Number(error.code)) || (error.cause !== undefined && isUnavailable(error.cause));
}

/** Runs a driver call; a lost or unavailable server becomes the port's `StoreUnavailableError`. */
export async function reaching<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isUnavailable(error) ? new StoreUnavailableError(error) : error;
  }
}
