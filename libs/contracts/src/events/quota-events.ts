import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { StreamCategory } from '../streams';

/**
 * What a tenant holds of a limited resource (docs/operations.md, "Limits"): `tasks` and `bulk-jobs` (one each while
 * queued or running) and `stored-bytes` (a file's content, a bulk job's upload). One stream per tenant and kind
 * (`reservation-<tenant>.quota:<kind>`), so the event store's expected-revision check, not a read model, decides
 * which of two requests at once gets the last of it.
 */
export const QuotaKindSchema = z.enum(['tasks', 'bulk-jobs', 'stored-bytes']);
export type QuotaKind = z.infer<typeof QuotaKindSchema>;
export const quotaId = (kind: QuotaKind) => `quota:${kind}`;

const HeldSchema = z.object({
  kind: QuotaKindSchema,
  /** What holds it: a task or job id, `file:<id>`, `upload:<job id>`. */
  holder: z.string().min(1).max(128),
  amount: z.number().int().nonnegative(),
  /** The tenant's use of the kind once this event applies. */
  used: z.number().int().nonnegative(),
});

export const QuotaTaken = defineEvent({
  type: 'QuotaTaken',
  version: 1,
  category: StreamCategory.reservation,
  description: 'A task, bulk job, file or upload took its share of a tenant limit (again with a new amount: a file uploaded anew).',
  schema: HeldSchema,
});

export const QuotaReturned = defineEvent({
  type: 'QuotaReturned',
  version: 1,
  category: StreamCategory.reservation,
  description: 'A task or bulk job ended, or a file was deleted: its share of the limit is free again.',
  schema: HeldSchema,
});
