import { z } from 'zod';
import { QuotaKindSchema } from '../events/quota-events';
import { StreamCategory } from '../streams';
import { defineCommand } from './command-definitions';

/** Aggregate id of both: `quotaId(kind)`. `limit` is the one configured when the command is sent. */
export const TakeQuota = defineCommand({
  type: 'TakeQuota',
  category: StreamCategory.reservation,
  schema: z.object({ kind: QuotaKindSchema, holder: z.string().min(1).max(128), amount: z.number().int().nonnegative(), limit: z.number().nonnegative() }),
});
export const ReturnQuota = defineCommand({
  type: 'ReturnQuota',
  category: StreamCategory.reservation,
  schema: z.object({ kind: QuotaKindSchema, holder: z.string().min(1).max(128) }),
});
