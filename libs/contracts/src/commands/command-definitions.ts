import { z } from 'zod';
import { BatchChangesSchema, BatchFieldsSchema } from '../events/batch-events';
import { RoleSchema } from '../events/tenant-events';
import { StreamCategory } from '../streams';

/** A versioned command contract: the gateway builds it, the batch service parses it with the same schema. */
export interface CommandDefinition<TType extends string = string, TSchema extends z.ZodType = z.ZodType> {
  type: TType;
  category: StreamCategory;
  schema: TSchema;
}

export function defineCommand<TType extends string, TSchema extends z.ZodType>(d: CommandDefinition<TType, TSchema>) {
  return d;
}

export const CreateTenant = defineCommand({
  type: 'CreateTenant',
  category: StreamCategory.tenant,
  schema: z.object({ name: z.string().min(1) }),
});

export const CreateApiKey = defineCommand({
  type: 'CreateApiKey',
  category: StreamCategory.tenant,
  schema: z.object({
    keyId: z.string(),
    name: z.string().min(1),
    role: RoleSchema,
    keyHash: z.string().regex(/^[0-9a-f]{64}$/),
  }),
});

export const RevokeApiKey = defineCommand({
  type: 'RevokeApiKey',
  category: StreamCategory.tenant,
  schema: z.object({ keyId: z.string() }),
});

export const CreateBatch = defineCommand({
  type: 'CreateBatch',
  category: StreamCategory.batch,
  schema: BatchFieldsSchema.extend({ batchId: z.string(), uuid: z.uuid() }),
});

export const UpdateBatch = defineCommand({
  type: 'UpdateBatch',
  category: StreamCategory.batch,
  schema: z.object({ batchId: z.string(), changes: BatchChangesSchema }),
});

export const DeleteBatch = defineCommand({
  type: 'DeleteBatch',
  category: StreamCategory.batch,
  schema: z.object({ batchId: z.string(), unlinkedUnits: z.array(z.string()).optional() }),
});

export type CommandData<D extends CommandDefinition> = z.infer<D['schema']>;
