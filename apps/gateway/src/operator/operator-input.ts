import { z } from 'zod';

/** What one page of parked events or dead letters holds at most. */
export const OPERATOR_MAX_LIMIT = 200;

const limit = z.coerce.number().int().min(1).max(OPERATOR_MAX_LIMIT).default(100);

export const parkedEventsQuery = z.strictObject({ processor: z.string().min(1).max(100).optional(), limit });
export const deadLettersQuery = z.strictObject({ limit });
